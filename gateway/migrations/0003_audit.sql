-- The audit trail: one row per request that touched enterprise data, hash-chained so that an
-- edited, inserted or deleted row is found by `credit-gateway audit verify`.
--
-- seq is assigned by the writer in chain order (not an identity), so a deleted row leaves a
-- gap. Triggers refuse UPDATE, DELETE and TRUNCATE for every role, the table's owner and
-- superusers included; only someone who disables the triggers (a schema change, not normal
-- SQL) can rewrite history, and verification names what they changed. For a strict
-- separation, run migrations as an owner role and let the gateway connect as a role that
-- holds only SELECT, INSERT on audit_log and SELECT, UPDATE on audit_head.

CREATE TABLE audit_log (
    seq            bigint PRIMARY KEY CHECK (seq > 0),
    at             timestamptz NOT NULL,
    client_id      text,
    role           text NOT NULL,
    purpose        text,
    operation      text,
    usccs          text[] COLLATE "C" NOT NULL,
    field_groups   text[] NOT NULL,
    verdicts       text[] NOT NULL,
    request_id     text NOT NULL,
    client_address text,
    prev_hash      bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash           bytea NOT NULL CHECK (octet_length(hash) = 32)
);
CREATE INDEX audit_log_by_uscc ON audit_log USING gin (usccs);
CREATE INDEX audit_log_by_at ON audit_log (at);

-- The chain head: the seq and hash of the last row written. Writers lock this row, which
-- serialises every gateway process appending to the same chain.
CREATE TABLE audit_head (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq  bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The head only moves forward, and only onto a row that exists with that hash.
CREATE FUNCTION audit_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <= OLD.seq OR NOT EXISTS (
        SELECT 1 FROM audit_log WHERE seq = NEW.seq AND hash = NEW.hash
    ) THEN
        RAISE EXCEPTION 'the audit chain head may only advance to a written row'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_head_only_advances BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_advance();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON audit_head FROM PUBLIC;
