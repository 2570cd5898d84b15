-- Retention of the change feed: events are pruned from the front of the feed once older than
-- the configured number of days. The position of the last pruned event is kept, so that a
-- reader whose cursor points into the pruned part is told so instead of silently skipping
-- what it missed.

CREATE TABLE credit_events_pruned (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    xid       xid8 NOT NULL,
    seq       bigint NOT NULL,
    pruned_at timestamptz NOT NULL
);
