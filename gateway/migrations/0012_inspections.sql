-- "Double random, one public" (双随机、一公开): the inspector directory with declared
-- conflicts, inspection tasks with their committed seed, the population snapshot each draw was
-- made from (in its canonical encoding, see docs/inspections.md), the drawn enterprises with
-- their inspectors, and the results recorded (each result is also an INSPECTION record of the
-- gateway's own source in the archive).

CREATE TABLE inspectors (
    id             text COLLATE "C" PRIMARY KEY,   -- law-enforcement certificate number
    name           text NOT NULL,
    department     text NOT NULL,
    division       text NOT NULL,
    qualifications text[] NOT NULL DEFAULT '{}',
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX inspectors_by_department ON inspectors (department, id) WHERE active;

CREATE TABLE inspector_conflicts (
    inspector_id text COLLATE "C" NOT NULL REFERENCES inspectors (id),
    uscc         text COLLATE "C" NOT NULL,
    reason       text NOT NULL,
    declared_at  timestamptz NOT NULL,
    PRIMARY KEY (inspector_id, uscc)
);

CREATE TABLE inspection_tasks (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                      text NOT NULL,
    departments               text[] NOT NULL,
    check_items               text[] NOT NULL,
    division                  text,
    key_area                  text,
    industry_prefix           text,
    statuses                  text[] NOT NULL,
    ratio_a                   numeric NOT NULL CHECK (ratio_a BETWEEN 0 AND 1),
    ratio_b                   numeric NOT NULL CHECK (ratio_b BETWEEN 0 AND 1),
    ratio_c                   numeric NOT NULL CHECK (ratio_c BETWEEN 0 AND 1),
    ratio_d                   numeric NOT NULL CHECK (ratio_d BETWEEN 0 AND 1),
    inspectors_per_enterprise integer NOT NULL CHECK (inspectors_per_enterprise >= 2),
    starts_on                 date NOT NULL,
    ends_on                   date NOT NULL CHECK (ends_on >= starts_on),
    results_due_on            date NOT NULL,  -- 20 working days after ends_on
    seed                      bytea NOT NULL CHECK (length(seed) = 32),  -- secret until drawn
    commitment                bytea NOT NULL,  -- SHA-256 of the seed, public from creation
    created_at                timestamptz NOT NULL,
    created_by                text,
    drawn_at                  timestamptz,
    drawn_by                  text,
    snapshot_hash             bytea,
    population_size           integer,
    drawn_count               integer,
    CHECK ((drawn_at IS NULL) = (snapshot_hash IS NULL))
);

-- The exact bytes whose SHA-256 is the task's snapshot_hash.
CREATE TABLE inspection_snapshots (
    task_id  bigint PRIMARY KEY REFERENCES inspection_tasks (id),
    encoding bytea NOT NULL
);
-- Out of line, uncompressed: compressing tens of megabytes would cost the draw seconds.
ALTER TABLE inspection_snapshots ALTER COLUMN encoding SET STORAGE EXTERNAL;

-- A draw writes tens of thousands of entries and assignments at once; they carry no foreign
-- keys (a check per row would cost the draw about a second), and `credit-gateway draw verify`
-- checks them against the seed and the snapshot instead.
CREATE TABLE inspection_draw_entries (
    task_id    bigint NOT NULL,
    uscc       text COLLATE "C" NOT NULL,
    risk_class text NOT NULL CHECK (risk_class IN ('A', 'B', 'C', 'D')),
    class_rank integer NOT NULL,        -- 0-based position in its class's HMAC order
    by_floor   boolean NOT NULL,        -- added to reach the 3 % floor
    PRIMARY KEY (task_id, uscc)
);

CREATE TABLE inspection_assignments (
    task_id      bigint NOT NULL,
    uscc         text COLLATE "C" NOT NULL,
    position     smallint NOT NULL,     -- 0-based order of choice
    inspector_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (task_id, uscc, position)
);

CREATE TABLE inspection_results (
    task_id      bigint NOT NULL,
    uscc         text COLLATE "C" NOT NULL,
    record_pk    bigint NOT NULL REFERENCES records (id),
    inspected_on date NOT NULL,
    due_on       date NOT NULL,         -- 20 working days after inspected_on
    published_on date NOT NULL,         -- first recorded (Asia/Shanghai date)
    PRIMARY KEY (task_id, uscc),
    FOREIGN KEY (task_id, uscc) REFERENCES inspection_draw_entries (task_id, uscc)
);

-- Tasks as they are read: the seed only once drawn, and how many enterprises were drawn.
CREATE VIEW inspection_task_view AS
SELECT t.id, t.name, t.departments, t.check_items, t.division, t.key_area, t.industry_prefix,
       t.statuses, t.ratio_a, t.ratio_b, t.ratio_c, t.ratio_d, t.inspectors_per_enterprise,
       t.starts_on, t.ends_on, t.results_due_on, t.commitment, t.created_at, t.drawn_at,
       t.snapshot_hash, t.population_size,
       CASE WHEN t.drawn_at IS NULL THEN NULL ELSE t.seed END AS seed,
       coalesce(t.drawn_count, 0) AS drawn_count
FROM inspection_tasks t;
