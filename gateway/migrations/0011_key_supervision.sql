-- The key-supervision list (重点监管名单) and typical cases (典型案例).
--
-- An entry is one enterprise's place on the list for one origin: DERIVED (from the configured
-- rules, written only by the refresh) or MANUAL (added by a supervisor). Entries are never
-- deleted: an entry that ends keeps its row with `ended_at`, so the list as it stood at any
-- instant can be told. key_supervision_events records every start, change of grounds and end.

CREATE TABLE key_supervision_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc        text COLLATE "C" NOT NULL,
    origin      text NOT NULL CHECK (origin IN ('DERIVED', 'MANUAL')),
    rules       text[] NOT NULL,        -- the rules of `grounds`, for filtering
    grounds     jsonb NOT NULL,         -- [{"rule", "detail"}]
    measures    text[] NOT NULL,        -- measure codes of the supervision configuration
    started_at  timestamptz NOT NULL,
    started_by  text,                   -- client id of a manual entry's supervisor
    reason      text,                   -- a manual entry's reason
    ended_at    timestamptz,
    ended_by    text,
    end_reason  text,
    CHECK ((origin = 'MANUAL') = (reason IS NOT NULL)),
    CHECK (ended_at IS NULL OR end_reason IS NOT NULL)
);
-- At most one entry in force per enterprise and origin.
CREATE UNIQUE INDEX key_supervision_current ON key_supervision_entries (uscc, origin)
    WHERE ended_at IS NULL;
-- Pages of the entries in force, newest first.
CREATE INDEX key_supervision_page ON key_supervision_entries (id DESC) WHERE ended_at IS NULL;
CREATE INDEX key_supervision_by_rule ON key_supervision_entries USING gin (rules)
    WHERE ended_at IS NULL;

CREATE TABLE key_supervision_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id  bigint NOT NULL REFERENCES key_supervision_entries (id),
    event     text NOT NULL CHECK (event IN ('STARTED', 'CHANGED', 'ENDED')),
    at        timestamptz NOT NULL,
    grounds   jsonb NOT NULL,
    measures  text[] NOT NULL,
    actor     text,                     -- client id; null for the refresh
    reason    text
);
CREATE INDEX key_supervision_events_by_entry ON key_supervision_events (entry_id, at);

-- Penalties supervisors published as typical cases. Unmarking keeps the row.
CREATE TABLE typical_cases (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    penalty_pk  bigint NOT NULL REFERENCES records (id),
    title       text NOT NULL,
    summary     text NOT NULL,
    marked_at   timestamptz NOT NULL,
    marked_by   text,
    unmarked_at timestamptz,
    unmarked_by text
);
CREATE UNIQUE INDEX typical_cases_current ON typical_cases (penalty_pk) WHERE unmarked_at IS NULL;
CREATE INDEX typical_cases_page ON typical_cases (id DESC) WHERE unmarked_at IS NULL;
