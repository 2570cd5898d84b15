"""Centralised publicity (集中公示): the entries of one list in force on a day, newest first.

An entry is in force on day D when it was listed on or before D, was not removed on or before
D, does not expire on or before D and no repair lifts it then (a revoked repair may also extend
a serious entry's term: gateway.lists.in_force). For today this is `listing_active`; for a past
day it also counts entries removed since. Every department's entries and the gateway's own decisions
are read alike, from the current records.

Pages are ordered by listing date, then archive id, both descending; a cursor
(gateway.archive.cursors) holds the last entry's (date, id), so a page is one range of the
`records_listings_by_date` index, never an OFFSET. Statements are joined from this module's
fixed fragments; user values are only parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any

from gateway.archive import Queryable, cursors
from gateway.archive.profile import Provenance, Stored
from gateway.archive.search import InvalidSearchError, division_prefix, validate_first
from gateway.lists import in_force
from gateway.records import Listing, ListKind, RecordKind, from_payload
from gateway.repair.effects import restarted_listing

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_MAX_ID = 2**63 - 1
# Division codes are ASCII digits; "~" sorts after them in the C collation.
_AFTER_PREFIX = "~"


@dataclasses.dataclass(frozen=True, slots=True)
class PublicityQuery:
    """Which entries to publish: one list, in force on `active_on`, optionally one division
    (a GB/T 2260 code or prefix of the enterprise's registered address)."""

    kind: ListKind
    active_on: dt.date
    division: str | None = None

    def validated(self) -> PublicityQuery:
        """A normalised copy (trimmed division); raises InvalidSearchError."""
        if self.division is None:
            return self
        return dataclasses.replace(self, division=division_prefix(self.division))


@dataclasses.dataclass(frozen=True, slots=True)
class PublicityEntry:
    """One entry of a page and the cursor that points just after it."""

    stored: Stored[Listing]
    cursor: str


@dataclasses.dataclass(frozen=True, slots=True)
class PublicityPage:
    entries: tuple[PublicityEntry, ...]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return self.entries[-1].cursor if self.entries else None


_LISTED_ON = "(r.payload->>'listed_on') COLLATE \"C\""

_DAY = "$2::text::date"

# $1 list kind, $2 the day (ISO text).
_IN_FORCE = f"""
r.kind = 'LISTING' AND r.payload->>'kind' = $1::text AND {_LISTED_ON} <= $2::text
AND (r.payload->>'removed_on' IS NULL OR (r.payload->>'removed_on') COLLATE "C" > $2::text)
AND {in_force.not_expired("r", _DAY)}
AND {in_force.not_lifted("r", _DAY)}
"""

# $3, $4: the division range.
_IN_DIVISION = """
AND EXISTS (SELECT 1 FROM enterprises e WHERE e.uscc = r.uscc
            AND e.division >= $3::text AND e.division < $4::text)
"""


def _where(query: PublicityQuery) -> tuple[str, list[Any]]:
    """The conditions of a validated query and their parameters ($1 to $2 or $4)."""
    params: list[Any] = [query.kind.value, query.active_on.isoformat()]
    if query.division is None:
        return _IN_FORCE, params
    return _IN_FORCE + _IN_DIVISION, [*params, query.division, query.division + _AFTER_PREFIX]


def _encode_cursor(listed_on: dt.date, record_pk: int) -> str:
    return cursors.encode({"l": listed_on.isoformat(), "i": record_pk})


def _decode_cursor(cursor: str) -> tuple[str, int]:
    """The (date, id) in a cursor; raises InvalidSearchError when it is not one of ours."""
    bad = InvalidSearchError("after: not a cursor of this list (use a pageInfo.endCursor)")
    key = cursors.decode(cursor)
    if key is None or set(key) != {"l", "i"}:
        raise bad
    day, record_pk = key["l"], key["i"]
    if not (isinstance(day, str) and _ISO_DATE.match(day)):
        raise bad
    if type(record_pk) is not int or not 0 < record_pk <= _MAX_ID:
        raise bad
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise bad from None
    return day, record_pk


async def publicity_page(
    conn: Queryable, query: PublicityQuery, *, first: int, after: str | None
) -> PublicityPage:
    """One page of the entries `query` selects (validated here), after cursor `after`."""
    where, params = _where(query.validated())
    validate_first(first)
    if after is not None:
        day, record_pk = _decode_cursor(after)
        n = len(params)
        where += f" AND ({_LISTED_ON}, r.id) < (${n + 1}::text COLLATE \"C\", ${n + 2}::bigint)"
        params += [day, record_pk]
    sql = (
        "SELECT r.id, r.source, r.department, r.record_id, r.source_updated_at,"  # noqa: S608
        f" r.received_at, r.payload::text AS payload, {in_force.restart_day('r', _DAY)}"
        f" AS restart FROM records r WHERE {where}"
        f" ORDER BY {_LISTED_ON} DESC, r.id DESC LIMIT ${len(params) + 1}::int"
    )
    rows = await conn.fetch(sql, *params, first + 1)
    entries = [_entry(row) for row in rows[:first]]
    return PublicityPage(tuple(entries), has_next_page=len(rows) > first)


def _entry(row: Any) -> PublicityEntry:
    record = from_payload(RecordKind.LISTING, json.loads(row["payload"]))
    assert isinstance(record, Listing)
    if row["restart"] is not None:
        record = restarted_listing(record, row["restart"])
    provenance = Provenance(
        source=row["source"],
        department=row["department"],
        record_id=row["record_id"],
        source_updated_at=row["source_updated_at"],
        received_at=row["received_at"],
    )
    stored = Stored(id=str(row["id"]), record=record, provenance=provenance)
    return PublicityEntry(stored, _encode_cursor(record.listed_on, row["id"]))


async def count_publicity(conn: Queryable, query: PublicityQuery) -> int:
    """How many entries `query` (validated here) selects."""
    where, params = _where(query.validated())
    sql = f"SELECT count(*) FROM records r WHERE {where}"  # noqa: S608
    count: int = await conn.fetchval(sql, *params)
    return count
