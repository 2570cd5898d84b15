"""SQL of the key-supervision list: the set-based write of the derived entries, manual
entries, and single entries. Statements are fixed text; values are parameters."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from gateway.archive import Queryable
from gateway.database import Connection
from gateway.supervision.entries import Derived, Entry, entry_of
from gateway.supervision.grounds import Ground

GROUNDS_GONE = "grounds no longer met"
"""End reason of a derived entry none of whose rules holds any more."""

_REFRESH_LOCK = "credit-gateway key supervision"

ENTRY_COLUMNS = """
k.id, k.uscc, coalesce(e.name, '') AS name, coalesce(e.division, '') AS division, k.origin,
k.grounds::text AS grounds, k.measures, k.started_at, k.started_by, k.reason, k.ended_at,
k.ended_by, k.end_reason
"""

_STAGE = """
DROP TABLE IF EXISTS pg_temp.supervision_derived;
CREATE TEMP TABLE supervision_derived (
    uscc text COLLATE "C" PRIMARY KEY, rules text[] NOT NULL, grounds text NOT NULL,
    measures text[] NOT NULL
) ON COMMIT DROP;
"""

# $1 now, $2 reason, $3 the codes refreshed (null: all).
_END = """
WITH ended AS (
    UPDATE key_supervision_entries k SET ended_at = $1, end_reason = $2
    WHERE k.origin = 'DERIVED' AND k.ended_at IS NULL
      AND ($3::text[] IS NULL OR k.uscc = ANY($3::text[]))
      AND NOT EXISTS (SELECT 1 FROM supervision_derived d WHERE d.uscc = k.uscc)
    RETURNING k.id, k.grounds, k.measures
)
INSERT INTO key_supervision_events (entry_id, event, at, grounds, measures, reason)
SELECT id, 'ENDED', $1, grounds, measures, $2 FROM ended
"""

_CHANGE = """
WITH changed AS (
    UPDATE key_supervision_entries k
    SET rules = d.rules, grounds = d.grounds::jsonb, measures = d.measures
    FROM supervision_derived d
    WHERE k.uscc = d.uscc AND k.origin = 'DERIVED' AND k.ended_at IS NULL
      AND (k.grounds <> d.grounds::jsonb OR k.measures <> d.measures)
    RETURNING k.id, k.grounds, k.measures
)
INSERT INTO key_supervision_events (entry_id, event, at, grounds, measures)
SELECT id, 'CHANGED', $1, grounds, measures FROM changed
"""

_START = """
WITH started AS (
    INSERT INTO key_supervision_entries (uscc, origin, rules, grounds, measures, started_at)
    SELECT d.uscc, 'DERIVED', d.rules, d.grounds::jsonb, d.measures, $1
    FROM supervision_derived d
    WHERE NOT EXISTS (SELECT 1 FROM key_supervision_entries k
                      WHERE k.uscc = d.uscc AND k.origin = 'DERIVED' AND k.ended_at IS NULL)
    ORDER BY d.uscc
    RETURNING id, grounds, measures
)
INSERT INTO key_supervision_events (entry_id, event, at, grounds, measures)
SELECT id, 'STARTED', $1, grounds, measures FROM started
"""


@dataclasses.dataclass(frozen=True, slots=True)
class WriteCounts:
    """What a refresh changed on the list."""

    started: int
    changed: int
    ended: int


async def lock_refresh(conn: Connection) -> None:
    """Serialise writers of derived entries until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _REFRESH_LOCK)


async def lock_enterprise(conn: Connection, uscc: str) -> None:
    """Serialise manual decisions about one enterprise until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"{_REFRESH_LOCK} {uscc}")


def _count(status: str) -> int:
    """The row count of an INSERT status ("INSERT 0 n")."""
    return int(status.rsplit(" ", 1)[1])


async def write_derived(
    conn: Connection, derived: Sequence[Derived], now: dt.datetime,
    codes: Sequence[str] | None = None,
) -> WriteCounts:
    """Make the derived entries in force those of `derived`, for every enterprise (or only
    for `codes`): start, change and end entries. Run inside the caller's transaction."""
    await conn.execute(_STAGE)
    await conn.copy_records_to_table(
        "supervision_derived", records=[d.copy_row() for d in derived],
        columns=("uscc", "rules", "grounds", "measures"),
    )
    scope = None if codes is None else list(codes)
    ended = _count(await conn.execute(_END, now, GROUNDS_GONE, scope))
    changed = _count(await conn.execute(_CHANGE, now))
    started = _count(await conn.execute(_START, now))
    return WriteCounts(started=started, changed=changed, ended=ended)


async def add_manual(
    conn: Connection, uscc: str, ground: Ground, measures: Sequence[str], actor: str | None,
    now: dt.datetime,
) -> str:
    """Start a manual entry; its id."""
    entry_id: int = await conn.fetchval(
        "INSERT INTO key_supervision_entries (uscc, origin, rules, grounds, measures,"
        " started_at, started_by, reason) VALUES ($1, 'MANUAL', $2, $3, $4, $5, $6, $7)"
        " RETURNING id",
        uscc, [ground.rule.value], [ground.as_json()], list(measures), now, actor,
        ground.detail,
    )
    await _event(conn, entry_id, "STARTED", now, actor, ground.detail)
    return str(entry_id)


async def end_manual(
    conn: Connection, entry_id: str, reason: str, actor: str | None, now: dt.datetime
) -> None:
    await conn.execute(
        "UPDATE key_supervision_entries SET ended_at = $2, ended_by = $3, end_reason = $4"
        " WHERE id = $1 AND origin = 'MANUAL' AND ended_at IS NULL",
        int(entry_id), now, actor, reason,
    )
    await _event(conn, int(entry_id), "ENDED", now, actor, reason)


async def _event(
    conn: Connection, entry_id: int, event: str, at: dt.datetime, actor: str | None,
    reason: str,
) -> None:
    await conn.execute(
        "INSERT INTO key_supervision_events (entry_id, event, at, grounds, measures, actor,"
        " reason) SELECT id, $2, $3, grounds, measures, $4, $5 FROM key_supervision_entries"
        " WHERE id = $1",
        entry_id, event, at, actor, reason,
    )


async def entry_by_id(conn: Queryable, entry_id: int) -> Entry | None:
    row = await conn.fetchrow(
        f"SELECT {ENTRY_COLUMNS} FROM key_supervision_entries k"  # noqa: S608
        " LEFT JOIN enterprises e ON e.uscc = k.uscc WHERE k.id = $1",
        entry_id,
    )
    return None if row is None else entry_of(row)


async def current_manual(conn: Queryable, uscc: str) -> str | None:
    """The id of the enterprise's manual entry in force, if any."""
    found: int | None = await conn.fetchval(
        "SELECT id FROM key_supervision_entries WHERE uscc = $1 AND origin = 'MANUAL'"
        " AND ended_at IS NULL",
        uscc,
    )
    return None if found is None else str(found)


async def enterprise_status(conn: Queryable, uscc: str) -> str | None:
    """The registration status of the enterprise; None when no source knows it."""
    status: str | None = await conn.fetchval(
        "SELECT status FROM enterprises WHERE uscc = $1", uscc
    )
    return status
