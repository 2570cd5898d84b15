"""Writes into the archive: record versions, quarantine and sync cursors, one batch at a time.

A batch commits its records, its quarantine entries and the source's new cursor in one
transaction, so a sync killed at any moment resumes exactly where the last commit left it.
A record whose content is unchanged writes nothing, so re-syncing changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import asyncpg

from adapters.base import Cursor
from adapters.mapping import Mapped, MappedFields, Quarantined
from gateway import records
from gateway.archive.grams import enterprise_grams
from gateway.database import Connection

log = logging.getLogger(__name__)

_UPSERT = """
WITH incoming AS (
    SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[],
                         $8::timestamptz[], $10::text[], $11::text[], $12::text[])
        AS t(kind, record_id, uscc, payload, content_hash, source_updated_at, grams, feed,
             key_areas)
), upserted AS (
    INSERT INTO records AS r (kind, source, feed, record_id, uscc, department, payload,
                              content_hash, source_updated_at, received_at)
    SELECT kind, $1, feed, record_id, uscc, $2, payload::jsonb, content_hash,
           source_updated_at, $9
    FROM incoming
    ON CONFLICT (source, feed, record_id) DO UPDATE
        SET kind = EXCLUDED.kind, uscc = EXCLUDED.uscc, department = EXCLUDED.department,
            payload = EXCLUDED.payload, content_hash = EXCLUDED.content_hash,
            source_updated_at = EXCLUDED.source_updated_at,
            received_at = EXCLUDED.received_at, version = r.version + 1
        -- Changed content only, and never an older version of the source over a newer one.
        WHERE r.content_hash <> EXCLUDED.content_hash
          AND (EXCLUDED.source_updated_at IS NULL OR r.source_updated_at IS NULL
               OR EXCLUDED.source_updated_at >= r.source_updated_at)
    RETURNING r.id, r.version, r.kind, r.feed, r.record_id, r.uscc, r.payload, r.content_hash,
              r.source_updated_at, r.received_at
), moved AS (
    -- Changed records whose enterprise code changed: their former enterprise must be updated
    -- too. The version before the new one holds the code they had; new records have none, so
    -- an initial load looks nothing up.
    SELECT u.kind, p.uscc FROM upserted u
    CROSS JOIN LATERAL (
        SELECT v.uscc FROM record_versions v
        WHERE v.record_pk = u.id AND v.version < u.version
        ORDER BY v.version DESC LIMIT 1
    ) p
    WHERE u.version > 1 AND p.uscc <> u.uscc
), versions AS (
    INSERT INTO record_versions (record_pk, version, uscc, payload, content_hash,
                                 source_updated_at, received_at)
    SELECT id, version, uscc, payload, content_hash, source_updated_at, received_at
    FROM upserted
), registrations AS (
    -- A new enterprise starts with the key areas the caller expects its tags to give (its
    -- industry's), so that the tag refresh after this rarely has to rewrite the row.
    INSERT INTO enterprises AS e (uscc, name, former_names, status, division, industry,
                                  name_grams, registration_pk, key_areas)
    SELECT DISTINCT ON (u.uscc) u.uscc, u.payload->>'name',
           ARRAY(SELECT jsonb_array_elements_text(coalesce(u.payload->'former_names', '[]'))),
           u.payload->>'status', u.payload->>'division', u.payload->>'industry',
           string_to_array(i.grams, chr(31)), u.id,
           coalesce(string_to_array(i.key_areas, ','), '{}')
    FROM upserted u JOIN incoming i ON i.feed = u.feed AND i.record_id = u.record_id
    WHERE u.kind = 'REGISTRATION'
    ORDER BY u.uscc, u.id DESC
    ON CONFLICT (uscc) DO UPDATE
        SET name = EXCLUDED.name, former_names = EXCLUDED.former_names,
            status = EXCLUDED.status, division = EXCLUDED.division,
            industry = EXCLUDED.industry, name_grams = EXCLUDED.name_grams,
            registration_pk = EXCLUDED.registration_pk
)
-- Per kind: how many records are new and how many changed, and their enterprises; then the
-- enterprises that moved records left (few rows, however large the batch).
SELECT kind, false AS moved, count(*) FILTER (WHERE version = 1) AS inserted,
       count(*) FILTER (WHERE version > 1) AS updated, array_agg(uscc) AS usccs
FROM upserted GROUP BY kind
UNION ALL
SELECT kind, true, 0, 0, array_agg(uscc) FROM moved GROUP BY kind
"""

_DROP_UNREGISTERED = """
DELETE FROM enterprises e WHERE e.uscc = ANY($1::text[])
AND NOT EXISTS (SELECT 1 FROM records r WHERE r.uscc = e.uscc AND r.kind = 'REGISTRATION')
"""

_QUARANTINE = """
WITH inserted AS (
    INSERT INTO quarantine (source, feed, position, reason, raw, raw_hash, received_at)
    SELECT $1, feed, position, reason, raw::jsonb, raw_hash, $6
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(feed, position, reason, raw),
         LATERAL (SELECT sha256(convert_to(raw, 'UTF8')) AS raw_hash) AS h
    ON CONFLICT (source, feed, position, raw_hash) DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM inserted
"""


@dataclasses.dataclass(slots=True)
class Incoming:
    """A mapped record ready to write: its canonical JSON and the hash of that JSON."""

    kind: records.RecordKind
    feed: str
    record_id: str
    uscc: str
    payload: str
    content_hash: bytes
    source_updated_at: dt.datetime | None
    grams: str | None
    """Search grams of a registration's names (see gateway.archive.grams); None otherwise."""
    industry: str | None = None
    """A registration's industry code; None otherwise."""


@dataclasses.dataclass(slots=True)
class BatchResult:
    """What one committed batch changed."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    changed: dict[records.RecordKind, set[str]] = dataclasses.field(default_factory=dict)

    @property
    def changed_usccs(self) -> set[str]:
        """Every enterprise with a new or changed record."""
        return set().union(*self.changed.values()) if self.changed else set()

    def add(self, other: BatchResult) -> None:
        """Accumulate another batch's counts."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined
        for kind, codes in other.changed.items():
            self.changed.setdefault(kind, set()).update(codes)


def prepare(mapped: Mapped | MappedFields, feed: str) -> Incoming:
    """Serialise a mapped record of `feed` canonically (sorted keys) and hash it."""
    grams = industry = None
    if isinstance(mapped, MappedFields):
        fields = mapped.fields
        encoded = records.canonical_json_of_fields(fields)
        uscc: str = fields["uscc"]
        if mapped.kind is records.RecordKind.REGISTRATION:
            grams = enterprise_grams((fields["name"], *(fields.get("former_names") or ())))
            industry = fields.get("industry")
    else:
        record = mapped.record
        encoded = records.canonical_json(record)
        uscc = record.uscc
        if isinstance(record, records.Registration):
            grams = enterprise_grams((record.name, *record.former_names))
            industry = record.industry
    return Incoming(
        mapped.kind,
        feed,
        mapped.record_id,
        uscc,
        encoded.decode(),
        hashlib.sha256(encoded).digest(),
        mapped.source_updated_at,
        grams,
        industry,
    )


def _last_per_key(items: Iterable[Incoming]) -> list[Incoming]:
    """One row per (feed, record id): the last one the source gave in this batch wins."""
    latest: dict[tuple[str, str], Incoming] = {}
    for item in items:
        latest[(item.feed, item.record_id)] = item
    return list(latest.values())


async def write_records(
    conn: Connection,
    source: str,
    department: str,
    incoming: Sequence[Incoming],
    received_at: dt.datetime,
    industry_areas: Callable[[str | None], str] | None = None,
) -> BatchResult:
    """Upsert records, append their new versions and update the enterprise index.

    `industry_areas` gives the key areas (comma-separated) an industry code tags an enterprise
    with: a new enterprise starts with those (the tag refresh corrects them when its licences
    say more). Run inside the caller's transaction."""
    rows = _last_per_key(incoming)
    result = BatchResult(unchanged=len(incoming) - len(rows))
    if not rows:
        return result
    written = await conn.fetch(
        _UPSERT,
        source,
        department,
        [r.kind.value for r in rows],
        [r.record_id for r in rows],
        [r.uscc for r in rows],
        [r.payload for r in rows],
        [r.content_hash for r in rows],
        [r.source_updated_at for r in rows],
        received_at,
        [r.grams for r in rows],
        [r.feed for r in rows],
        _expected_areas(rows, industry_areas),
    )
    left: set[str] = set()
    for row in written:
        kind = records.RecordKind(row["kind"])
        result.changed.setdefault(kind, set()).update(row["usccs"])
        if not row["moved"]:
            result.inserted += row["inserted"]
            result.updated += row["updated"]
        elif kind is records.RecordKind.REGISTRATION:  # the enterprises moved records left
            left.update(row["usccs"])
    result.unchanged += len(rows) - result.inserted - result.updated
    if left:
        await conn.execute(_DROP_UNREGISTERED, sorted(left))
    return result


def _expected_areas(
    rows: Sequence[Incoming], industry_areas: Callable[[str | None], str] | None
) -> list[str | None]:
    if industry_areas is None:
        return [None] * len(rows)
    registration = records.RecordKind.REGISTRATION
    return [industry_areas(r.industry) if r.kind is registration else None for r in rows]


async def write_quarantine(
    conn: Connection,
    source: str,
    entries: Sequence[Quarantined],
    received_at: dt.datetime,
) -> int:
    """Store bad source rows with their reason and position; returns how many were new."""
    if not entries:
        return 0
    raws = [_storable_json(q.raw) for q in entries]
    count: int = await conn.fetchval(
        _QUARANTINE,
        source,
        [q.feed for q in entries],
        [q.position for q in entries],
        [q.reason for q in entries],
        raws,
        received_at,
    )
    return count


def _storable_json(raw: Any) -> str:
    """JSON text PostgreSQL accepts: lone surrogates (which UTF-8 cannot hold) become '?'."""
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)
    return text.encode("utf-8", "replace").decode("utf-8")


_ANALYZE = "ANALYZE records, record_versions, enterprises, credit_events"
"""The tables a sync grows, whose statistics the planner's choices for profiles rest on."""

ANALYZE_BASE, ANALYZE_FRACTION = 50, 0.1
"""A sync that changed more than ANALYZE_BASE + ANALYZE_FRACTION × the archive's records
refreshes the statistics (PostgreSQL's autovacuum analyzes at the same point, when it runs)."""


async def refresh_statistics(conn: Connection, changed: int) -> bool:
    """ANALYZE the archive after a sync that changed `changed` records, if that is a large
    part of it (a first load, above all); whether it did.

    Until then PostgreSQL plans profile reads with the statistics of an empty archive, or
    none; autovacuum would catch up within minutes, where it is on. When ANALYZE fails it logs
    a warning and carries on: the sync's records are committed already. (A role that may not
    analyze the tables gets PostgreSQL's own warning, and they stay as they were.)"""
    known: float = await conn.fetchval(
        "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'records'::regclass")
    if changed <= ANALYZE_BASE + ANALYZE_FRACTION * known:
        return False
    try:
        await conn.execute(_ANALYZE)
    except asyncpg.PostgresError as exc:
        log.warning("archive statistics not refreshed after a large sync: %s", exc)
        return False
    return True


async def register_source(
    conn: Connection | asyncpg.Pool[Any], name: str, department: str, kind: str
) -> Cursor:
    """Make sure the source has a row; return its stored cursor."""
    cursor: Cursor = await conn.fetchval(
        """
        INSERT INTO sources (name, department, kind) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET department = EXCLUDED.department, kind = EXCLUDED.kind
        RETURNING cursor
        """,
        name,
        department,
        kind,
    )
    return cursor


async def save_progress(
    conn: Connection, source: str, cursor: Cursor | None, result: BatchResult
) -> None:
    """Store the cursor after a batch (None keeps it) and add the batch's counts."""
    await conn.execute(
        """
        UPDATE sources SET cursor = coalesce($2, cursor), record_count = record_count + $3,
               quarantine_count = quarantine_count + $4
        WHERE name = $1
        """,
        source,
        cursor,
        result.inserted,
        result.quarantined,
    )


async def mark_attempt(
    conn: Connection | asyncpg.Pool[Any],
    source: str,
    at: dt.datetime,
    error: str | None,
) -> None:
    """Record how the latest sync attempt ended (error None = success)."""
    await conn.execute(
        """
        UPDATE sources SET last_attempt_at = $2, last_error = $3,
               last_success_at = CASE WHEN $3::text IS NULL THEN $2 ELSE last_success_at END
        WHERE name = $1
        """,
        source,
        at,
        error,
    )


async def mark_fetched(
    conn: Connection, source: str, usccs: Sequence[str], at: dt.datetime
) -> None:
    """Record that these enterprises were just fetched from the source on demand."""
    await conn.execute(
        """
        INSERT INTO source_refreshes (uscc, source, fetched_at)
        SELECT u, $2, $3 FROM unnest($1::text[]) AS u
        ON CONFLICT (uscc, source) DO UPDATE SET fetched_at = EXCLUDED.fetched_at
        """,
        list(usccs),
        source,
        at,
    )
