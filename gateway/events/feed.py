"""Reading the change feed: pages of events after a position, complete and in order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence

import asyncpg

from gateway.archive import Queryable
from gateway.events.cursor import START, Position

MAX_FIRST = 1000
MAX_USCCS = 1000


class EventKind(enum.StrEnum):
    """What happened to a record."""

    RECEIVED = "RECEIVED"
    CHANGED = "CHANGED"
    LISTED = "LISTED"
    REMOVED = "REMOVED"
    REPAIRED = "REPAIRED"
    REPAIR_REVOKED = "REPAIR_REVOKED"


@dataclasses.dataclass(frozen=True, slots=True)
class CreditEvent:
    """One change of one enterprise's credit records."""

    position: Position
    at: dt.datetime
    uscc: str
    kind: EventKind
    record_pk: int | None
    record_kind: str | None
    source: str | None
    version: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    """Events after a position, and where the next read starts."""

    events: list[CreditEvent]
    has_next: bool
    end: Position
    """After the last event; when no more follow, after everything now complete (so that a
    filtered reader does not scan the same events again)."""


class InvalidRead(ValueError):
    """An argument of a read out of range; the message is safe to show."""


# The horizon and the rows come from one snapshot: one statement.
_READ = """
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
SELECT h.xmin::text AS horizon,
       (SELECT p.xid::text FROM credit_events_pruned p) AS pruned_xid,
       (SELECT p.seq FROM credit_events_pruned p) AS pruned_seq,
       e.xid::text AS xid, e.seq, e.at, e.uscc, e.kind,
       e.record_pk, e.record_kind, e.source, e.version
FROM horizon h
LEFT JOIN LATERAL (
    SELECT * FROM credit_events e
    WHERE (e.xid, e.seq) > ($1::text::xid8, $2::bigint) AND e.xid < h.xmin
      AND ($3::text[] IS NULL OR e.uscc = ANY($3::text[]))
    ORDER BY e.xid, e.seq
    LIMIT $4
) e ON true
ORDER BY e.xid, e.seq
"""


def check_read(first: int, usccs: Sequence[str] | None) -> None:
    """Raise InvalidRead for a page size or a code list out of range."""
    if not 1 <= first <= MAX_FIRST:
        raise InvalidRead(f"first must be between 1 and {MAX_FIRST}")
    if usccs is not None and not 1 <= len(usccs) <= MAX_USCCS:
        raise InvalidRead(f"usccs must hold 1 to {MAX_USCCS} codes (or be null for all)")


async def read_events(
    conn: Queryable, after: Position, first: int, usccs: Sequence[str] | None = None
) -> Page:
    """Up to `first` complete events after `after` (of the enterprises `usccs`, None: all)."""
    check_read(first, usccs)
    codes = None if usccs is None else sorted(set(usccs))
    rows = await conn.fetch(_READ, str(after.xid), after.seq, codes, first + 1)
    _check_retained(after, rows[0])
    horizon = Position(int(rows[0]["horizon"]), 0)
    events = [_event(row) for row in rows if row["seq"] is not None]
    if len(events) > first:
        return Page(events[:first], True, events[first - 1].position)
    return Page(events, False, max(after, horizon))


def _check_retained(after: Position, row: asyncpg.Record) -> None:
    """Raise InvalidRead when events after `after` were pruned: the reader would miss them."""
    if after == START or row["pruned_xid"] is None:
        return
    if after < Position(int(row["pruned_xid"]), row["pruned_seq"]):
        raise InvalidRead(
            "after: the events following this cursor were pruned (the feed keeps "
            "GATEWAY_EVENTS_RETENTION_DAYS days): read the profiles again and resume from a "
            "new cursor (without after, the feed starts at the oldest event kept)"
        )


async def horizon(conn: Queryable) -> Position:
    """After every event complete now: where a reader of new events only starts."""
    xmin: str = await conn.fetchval("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
    return Position(int(xmin), 0)


def _event(row: asyncpg.Record) -> CreditEvent:
    return CreditEvent(
        position=Position(int(row["xid"]), row["seq"]),
        at=row["at"],
        uscc=row["uscc"],
        kind=EventKind(row["kind"]),
        record_pk=row["record_pk"],
        record_kind=row["record_kind"],
        source=row["source"],
        version=row["version"],
    )
