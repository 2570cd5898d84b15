-- The change feed (creditEvents, creditChanged): one row per change of the archive, written
-- by a trigger in the transaction that made the change.
--
-- Order without a global lock: a row's position is (xid, seq), xid being the writing
-- transaction's id (or a later committed one, see below) and seq the order of writing. A
-- reader returns only rows whose xid is below its snapshot's xmin: every transaction below
-- xmin has ended, and every transaction that writes later has a larger xid, so no row can
-- ever appear before a position a reader has passed. A long transaction holds the feed back
-- until it ends.
--
-- A version written after a concurrent transaction with a larger xid committed a version of
-- the same record takes that transaction's xid as its position (never one below its own:
-- it stays unread until its own transaction ends), so the versions of one record appear in
-- the order they were written.

CREATE TABLE credit_events (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at          timestamptz NOT NULL,
    uscc        text COLLATE "C" NOT NULL,
    kind        text NOT NULL
                CHECK (kind IN ('RECEIVED', 'CHANGED', 'LISTED', 'REMOVED', 'REPAIRED',
                                 'REPAIR_REVOKED')),
    record_pk   bigint,   -- records.id; no FK, like record_versions
    record_kind text,
    source      text,
    version     integer
);
CREATE INDEX credit_events_in_order ON credit_events (xid, seq);
CREATE INDEX credit_events_by_record ON credit_events (record_pk, xid);

-- The kind of event a new version makes: LISTING records are listed and removed, others are
-- received and changed.
CREATE FUNCTION credit_event_kind(record_kind text, version integer, payload jsonb,
                                  previous jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN record_kind <> 'LISTING' THEN
            CASE WHEN version = 1 THEN 'RECEIVED' ELSE 'CHANGED' END
        WHEN payload ? 'removed_on' AND NOT coalesce(previous ? 'removed_on', false)
            THEN 'REMOVED'
        WHEN version = 1 THEN 'LISTED'
        ELSE 'CHANGED'
    END
$$;

-- Statement level, over the transition table: one INSERT for a whole sync batch.
CREATE FUNCTION credit_events_from_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO credit_events (xid, at, uscc, kind, record_pk, record_kind, source, version)
    SELECT greatest(pg_current_xact_id(), (
               SELECT e.xid FROM credit_events e
               WHERE n.version > 1 AND e.record_pk = n.record_pk
               ORDER BY e.xid DESC LIMIT 1)),
           n.received_at, n.uscc,
           credit_event_kind(r.kind, n.version, n.payload, p.payload),
           n.record_pk, r.kind, r.source, n.version
    FROM new_versions n
    JOIN records r ON r.id = n.record_pk
    LEFT JOIN record_versions p
        ON r.kind = 'LISTING' AND p.record_pk = n.record_pk AND p.version = n.version - 1
    ORDER BY n.record_pk, n.version;
    RETURN NULL;
END $$;

CREATE TRIGGER record_versions_to_events AFTER INSERT ON record_versions
    REFERENCING NEW TABLE AS new_versions
    FOR EACH STATEMENT EXECUTE FUNCTION credit_events_from_versions();

-- The versions received before this migration, in the order they were received: one
-- transaction, so they come before every later event.
INSERT INTO credit_events (at, uscc, kind, record_pk, record_kind, source, version)
SELECT n.received_at, n.uscc, credit_event_kind(r.kind, n.version, n.payload, p.payload),
       n.record_pk, r.kind, r.source, n.version
FROM record_versions n
JOIN records r ON r.id = n.record_pk
LEFT JOIN record_versions p
    ON r.kind = 'LISTING' AND p.record_pk = n.record_pk AND p.version = n.version - 1
ORDER BY n.received_at, n.record_pk, n.version;

-- The hook for changes that are not record versions (a credit repair): call it in the
-- transaction that makes the change.
CREATE FUNCTION credit_event_add(p_at timestamptz, p_uscc text, p_kind text,
                                 p_record_pk bigint, p_record_kind text, p_source text,
                                 p_version integer) RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO credit_events (at, uscc, kind, record_pk, record_kind, source, version)
    VALUES (p_at, p_uscc, p_kind, p_record_pk, p_record_kind, p_source, p_version)
    RETURNING seq
$$;

-- Credit repairs (migration 0007): an approval is REPAIRED, a revocation REPAIR_REVOKED, as
-- events of the repaired record. An application is inserted as APPLIED, so updates suffice.
CREATE FUNCTION credit_events_from_repairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM credit_event_add(
        coalesce(CASE NEW.status WHEN 'APPROVED' THEN NEW.decided_at ELSE NEW.revoked_at END,
                 statement_timestamp()),
        NEW.uscc,
        CASE NEW.status WHEN 'APPROVED' THEN 'REPAIRED' ELSE 'REPAIR_REVOKED' END,
        NEW.target_pk, r.kind, r.source, r.version)
    FROM records r WHERE r.id = NEW.target_pk;
    RETURN NULL;
END $$;

-- Attached where the repairs table exists (a database that gets 0007 after this migration
-- attaches it with the same statement).
DO $$
BEGIN
    IF to_regclass('credit_repairs') IS NOT NULL THEN
        CREATE TRIGGER credit_repairs_to_events AFTER UPDATE OF status
            ON credit_repairs FOR EACH ROW
            WHEN (NEW.status IS DISTINCT FROM OLD.status
                  AND NEW.status IN ('APPROVED', 'REVOKED'))
            EXECUTE FUNCTION credit_events_from_repairs();
    END IF;
END $$;
