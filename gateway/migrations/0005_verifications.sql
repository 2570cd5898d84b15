-- Credit verifications as issued: the evidence a deciding system cites.

CREATE TABLE verifications (
    id              uuid PRIMARY KEY,
    uscc            text COLLATE "C" NOT NULL,
    enterprise_name text,
    purpose         text NOT NULL,
    as_of           timestamptz NOT NULL,
    verdict         text NOT NULL,
    findings        jsonb NOT NULL,
    sources         jsonb NOT NULL,
    rules_version   text NOT NULL,
    issued_at       timestamptz NOT NULL,
    issued_to       text NOT NULL,
    token           text NOT NULL
);
CREATE INDEX verifications_by_uscc ON verifications (uscc, issued_at);
CREATE INDEX verifications_by_client ON verifications (issued_to, issued_at);
