"""Reading the audit trail: who touched one enterprise's data, newest first."""

from __future__ import annotations

import dataclasses
import datetime as dt

from gateway.audit.entry import AuditEntry
from gateway.audit.verify import StoredRow
from gateway.database import Connection

MAX_FIRST = 500

_TRAIL = (
    "SELECT seq, at, client_id, role, purpose, operation, usccs, field_groups, verdicts,"
    " request_id, client_address, prev_hash, hash FROM audit_log"
    " WHERE usccs @> ARRAY[$1::text]"
    " AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)"
    " ORDER BY at DESC, seq DESC LIMIT $4"
)


class InvalidTrailQuery(ValueError):
    """Arguments that select no sensible part of the trail."""


@dataclasses.dataclass(frozen=True, slots=True)
class TrailEvent:
    """One audit row as the trail shows it."""

    seq: int
    entry: AuditEntry


def check_window(since: dt.datetime | None, until: dt.datetime | None, first: int) -> None:
    """Raise InvalidTrailQuery for a bad page size or time window."""
    if not 1 <= first <= MAX_FIRST:
        raise InvalidTrailQuery(f"first must be between 1 and {MAX_FIRST}, got {first}")
    for name, instant in (("since", since), ("until", until)):
        if instant is not None and instant.utcoffset() is None:
            raise InvalidTrailQuery(f"{name} needs a time zone")
    if since is not None and until is not None and since > until:
        raise InvalidTrailQuery("since must not be later than until")


async def audit_trail(
    conn: Connection,
    uscc: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    first: int,
) -> list[TrailEvent]:
    """Rows that touched `uscc` with since <= at < until (either bound optional), newest
    first, at most `first` (1 to MAX_FIRST)."""
    check_window(since, until, first)
    records = await conn.fetch(_TRAIL, uscc, since, until, first)
    rows = [StoredRow.of(record) for record in records]
    return [TrailEvent(row.seq, row.entry) for row in rows]
