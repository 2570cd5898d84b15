-- Credit commitments (信用承诺) recorded here, their checks, and industry associations'
-- member enterprises.
--
-- A commitment submitted here is a COMMITMENT record of the gateway's own source, written like
-- any source's records (with its versions); a check is a new version of that record.
-- commitment_submissions and commitment_checks keep beside the record who submitted it, and
-- who checked it, when, and on what evidence.

CREATE TABLE commitment_submissions (
    record_pk    bigint PRIMARY KEY REFERENCES records (id),
    submitted_by text,
    by_association boolean NOT NULL,
    submitted_at timestamptz NOT NULL
);

CREATE TABLE commitment_checks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_pk      bigint NOT NULL REFERENCES records (id),
    outcome        text NOT NULL CHECK (outcome IN ('FULFILLED', 'BREACHED')),
    checked_on     date NOT NULL,
    evidence       text NOT NULL,
    checked_by     text,
    by_association boolean NOT NULL,
    recorded_at    timestamptz NOT NULL
);
-- A commitment is checked once: FULFILLED and BREACHED are final.
CREATE UNIQUE INDEX commitment_checks_one_per_commitment ON commitment_checks (record_pk);

-- An association client's member enterprises, kept by administrators. No foreign key to
-- clients: clients are disabled, never deleted, and the code checks the client's role.
CREATE TABLE association_members (
    client_id text COLLATE "C" NOT NULL,
    uscc      text COLLATE "C" NOT NULL,
    added_at  timestamptz NOT NULL,
    added_by  text,
    PRIMARY KEY (client_id, uscc)
);
