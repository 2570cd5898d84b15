-- Credit-risk classification (国市监信发〔2022〕6号): each enterprise's current assessment, and
-- every assessment ever made (for back-testing classes against later inspection outcomes).
-- Internal data: never public.

CREATE TABLE risk_assessments (
    uscc        text COLLATE "C" PRIMARY KEY,
    risk_class  text NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
    score       double precision NOT NULL,
    model       text NOT NULL,         -- model name and version, e.g. 'food@2026.1'
    assessed_at timestamptz NOT NULL,
    factors     jsonb NOT NULL         -- [{"code", "description", "contribution"}]
);
CREATE INDEX risk_assessments_by_class ON risk_assessments (risk_class, uscc);

CREATE TABLE risk_assessment_history (
    uscc        text COLLATE "C" NOT NULL,
    risk_class  text NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
    score       double precision NOT NULL,
    model       text NOT NULL,
    assessed_at timestamptz NOT NULL,
    PRIMARY KEY (uscc, assessed_at)
);

-- Related parties: the other enterprises of a legal representative, found by identity number.
CREATE INDEX records_by_representative
    ON records ((payload->>'legal_representative_id_number'))
    WHERE kind = 'REGISTRATION';

-- Where the reassessment of changed enterprises stands in the change feed (migration 0008):
-- one row, locked by the process that reassesses a batch, moved in the same transaction as
-- the assessments it wrote. Starts at the feed's horizon: earlier changes are covered by
-- `credit-gateway risk recompute`.
CREATE TABLE risk_feed_position (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    xid       xid8 NOT NULL,
    seq       bigint NOT NULL
);
INSERT INTO risk_feed_position (xid, seq)
VALUES (pg_snapshot_xmin(pg_current_snapshot()), 0);
