-- The change-feed trigger looked up a listing's previous version through a join whose
-- condition the planner could only apply as a filter: it read all of record_versions on every
-- sync batch (0.9 s per 5,000 rows at 1,000,000 enterprises). The same lookup as a subquery by
-- primary key, with the same results.

CREATE OR REPLACE FUNCTION credit_events_from_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO credit_events (xid, at, uscc, kind, record_pk, record_kind, source, version)
    SELECT greatest(pg_current_xact_id(), (
               SELECT e.xid FROM credit_events e
               WHERE n.version > 1 AND e.record_pk = n.record_pk
               ORDER BY e.xid DESC LIMIT 1)),
           n.received_at, n.uscc,
           credit_event_kind(r.kind, n.version, n.payload, CASE WHEN r.kind = 'LISTING' THEN (
               SELECT p.payload FROM record_versions p
               WHERE p.record_pk = n.record_pk AND p.version = n.version - 1) END),
           n.record_pk, r.kind, r.source, n.version
    FROM new_versions n
    JOIN records r ON r.id = n.record_pk
    ORDER BY n.record_pk, n.version;
    RETURN NULL;
END $$;
