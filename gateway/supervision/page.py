"""Pages of the key-supervision entries in force, newest first, optionally of one division
(a GB/T 2260 code or prefix of the enterprise's registered address) and one ground.

A cursor holds the last entry's id (gateway.supervision.cursor), so a page is one range of the
`key_supervision_page` index, never an OFFSET. Statements are joined from this module's fixed
fragments; user values are only parameters."""

from __future__ import annotations

import dataclasses
from typing import Any

from gateway.archive import Queryable
from gateway.archive.search import division_prefix, validate_first
from gateway.supervision.cursor import decode_cursor, encode_cursor
from gateway.supervision.entries import Entry, entry_of
from gateway.supervision.grounds import Rule
from gateway.supervision.store import ENTRY_COLUMNS

_CURSOR_KEY = "k"
_AFTER_PREFIX = "~"  # sorts after the digits in the C collation


@dataclasses.dataclass(frozen=True, slots=True)
class EntryQuery:
    """Which entries in force to page through."""

    division: str | None = None
    ground: Rule | None = None

    def validated(self) -> EntryQuery:
        """A normalised copy (trimmed division); raises InvalidSearchError."""
        if self.division is None:
            return self
        return dataclasses.replace(self, division=division_prefix(self.division))


@dataclasses.dataclass(frozen=True, slots=True)
class EntryPage:
    entries: tuple[Entry, ...]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return entry_cursor(self.entries[-1]) if self.entries else None


def entry_cursor(entry: Entry) -> str:
    """The cursor that points just after `entry`."""
    return encode_cursor(_CURSOR_KEY, int(entry.id))


def _where(query: EntryQuery) -> tuple[str, list[Any]]:
    conditions = ["k.ended_at IS NULL"]
    params: list[Any] = []
    if query.division is not None:
        params += [query.division, query.division + _AFTER_PREFIX]
        conditions.append(f"e.division >= ${len(params) - 1}::text"
                          f" AND e.division < ${len(params)}::text")
    if query.ground is not None:
        params.append([query.ground.value])
        conditions.append(f"k.rules @> ${len(params)}::text[]")
    return " AND ".join(conditions), params


_FROM = " FROM key_supervision_entries k LEFT JOIN enterprises e ON e.uscc = k.uscc WHERE "


async def entry_page(
    conn: Queryable, query: EntryQuery, *, first: int, after: str | None
) -> EntryPage:
    """One page of the entries `query` (validated here) selects, after cursor `after`."""
    where, params = _where(query.validated())
    validate_first(first)
    if after is not None:
        params.append(decode_cursor(_CURSOR_KEY, after))
        where += f" AND k.id < ${len(params)}::bigint"
    sql = (f"SELECT {ENTRY_COLUMNS}{_FROM}{where}"
           f" ORDER BY k.id DESC LIMIT ${len(params) + 1}::int")
    rows = await conn.fetch(sql, *params, first + 1)
    return EntryPage(tuple(entry_of(r) for r in rows[:first]), len(rows) > first)


async def count_entries(conn: Queryable, query: EntryQuery) -> int:
    """How many entries in force `query` (validated here) selects."""
    where, params = _where(query.validated())
    count: int = await conn.fetchval(f"SELECT count(*){_FROM}{where}", *params)
    return count
