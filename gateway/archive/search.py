"""Enterprise search over the archive's enterprise index, paged by opaque keyset cursors.

With a name, results are ordered by relevance (exact name, name prefix, substring of the
current name, then a former-name match; ties by name length, then code), else by code. A
cursor is the base64 of the last row's sort key, so a page is an index range scan, never an
OFFSET. Every statement is assembled from fixed fragments; user values are only parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from gateway.archive import Queryable, cursors
from gateway.archive.grams import name_grams
from gateway.lists import in_force
from gateway.records import EnterpriseStatus, KeyArea, ListKind
from gateway.uscc import ALPHABET

MAX_FIRST = 100
MAX_NAME_LENGTH = 100
FULL_DIVISION = 6


class InvalidSearchError(ValueError):
    """A search argument is invalid; the message names the argument and what is expected."""


@dataclasses.dataclass(frozen=True, slots=True)
class EnterpriseFilter:
    """What to search for (contract `EnterpriseFilter`); every field narrows the result."""

    name: str | None = None
    uscc_prefix: str | None = None
    key_area: KeyArea | None = None
    division: str | None = None
    status: EnterpriseStatus | None = None
    listed: ListKind | None = None

    def validated(self) -> EnterpriseFilter:
        """A normalised copy (trimmed name, upper-cased prefix); raises InvalidSearchError."""
        return dataclasses.replace(
            self,
            name=None if self.name is None else _valid_name(self.name),
            uscc_prefix=None if self.uscc_prefix is None else _valid_prefix(self.uscc_prefix),
            division=(
                None if self.division is None
                else division_prefix(self.division, "filter.division")
            ),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class SearchHit:
    """One enterprise of a page and the cursor that points just after it."""

    uscc: str
    cursor: str


@dataclasses.dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of codes in result order."""

    hits: tuple[SearchHit, ...]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return self.hits[-1].cursor if self.hits else None


def _valid_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise InvalidSearchError("filter.name: expected some text, got an empty string")
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidSearchError(f"filter.name: expected at most {MAX_NAME_LENGTH} characters")
    return text


def _valid_prefix(prefix: str) -> str:
    text = prefix.strip().upper()
    if not 1 <= len(text) <= 18:
        raise InvalidSearchError(f"filter.usccPrefix: expected 1 to 18 characters, got {len(text)}")
    wrong = sorted({ch for ch in text if ch not in ALPHABET})
    if wrong:
        raise InvalidSearchError(
            f"filter.usccPrefix: {''.join(wrong)!r} outside the code alphabet {ALPHABET}"
        )
    return text


def division_prefix(division: str, name: str = "division") -> str:
    """A trimmed GB/T 2260 code or prefix (2 to 6 ASCII digits); InvalidSearchError naming
    argument `name` otherwise."""
    text = division.strip()
    if not (text.isascii() and text.isdigit() and 2 <= len(text) <= FULL_DIVISION):
        raise InvalidSearchError(
            f"{name}: expected 2 to 6 digits of a GB/T 2260 code, got {division!r}"
        )
    return text


def validate_first(first: int) -> int:
    """The page size, checked against 1..MAX_FIRST."""
    if not 1 <= first <= MAX_FIRST:
        raise InvalidSearchError(f"first: expected 1 to {MAX_FIRST}, got {first}")
    return first


class _Params:
    """Collects statement parameters; `add` returns the placeholder of the new value.

    Statements here are joined from this module's fixed fragments and these placeholders
    (hence the S608 suppressions below); values only ever travel as parameters."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any, pg_type: str) -> str:
        self.values.append(value)
        return f"${len(self.values)}::{pg_type}"


# Code and division prefixes are ASCII; "~" sorts after all of them in the C collation, so
# [prefix, prefix || "~") is the prefix's index range.
_AFTER_PREFIX = "~"


def _conditions(
    f: EnterpriseFilter, today: dt.date, params: _Params
) -> tuple[list[str], str | None]:
    """The WHERE conditions of a validated filter, as fixed fragments with placeholders, and
    the placeholder of the name (None without one)."""
    conditions = ["TRUE"]
    name: str | None = None
    if f.name is not None:
        name = params.add(f.name, "text")
        # The gram containment uses the GIN index; strpos rechecks the exact substring.
        grams = params.add(sorted(name_grams(f.name)), "text[]")
        conditions.append(f"e.name_grams @> {grams}")
        conditions.append(
            f"(strpos(lower(e.name), lower({name})) > 0 OR EXISTS ("  # noqa: S608
            f"SELECT 1 FROM unnest(e.former_names) AS former(n) "
            f"WHERE strpos(lower(former.n), lower({name})) > 0))"
        )
    if f.uscc_prefix is not None:
        low = params.add(f.uscc_prefix, "text")
        high = params.add(f.uscc_prefix + _AFTER_PREFIX, "text")
        conditions.append(f"e.uscc >= {low} AND e.uscc < {high}")
    if f.division is not None and len(f.division) == FULL_DIVISION:
        # Equality lets the (division, uscc) index give the rows in code order; a range
        # over one division would not, and the planner then scans by code instead.
        conditions.append(f"e.division = {params.add(f.division, 'text')}")
    elif f.division is not None:
        low = params.add(f.division, "text")
        high = params.add(f.division + _AFTER_PREFIX, "text")
        conditions.append(f"e.division >= {low} AND e.division < {high}")
    if f.key_area is not None:
        conditions.append(f"e.key_areas @> ARRAY[{params.add(f.key_area.value, 'text')}]")
    if f.status is not None:
        conditions.append(f"e.status = {params.add(f.status.value, 'text')}")
    if f.listed is not None:
        conditions.append(_listed(params.add(f.listed.value, "text"), params.add(today, "date")))
    return conditions, name


def _listed(kind: str, today: str) -> str:
    """An entry of list `kind` in force today: listed by then, not removed, not expired, not
    lifted by an approved credit repair (see listing_active and gateway.repair)."""
    return (
        "EXISTS (SELECT 1 FROM records l WHERE l.uscc = e.uscc AND l.kind = 'LISTING'"  # noqa: S608
        f" AND l.payload->>'kind' = {kind} AND l.payload->>'removed_on' IS NULL"
        f" AND (l.payload->>'listed_on')::date <= {today}"
        f" AND {in_force.not_expired('l', today)} AND {in_force.not_lifted('l', today)})"
    )


def _relevance(name: str) -> str:
    return (
        f"CASE WHEN lower(e.name) = lower({name}) THEN 0"
        f" WHEN starts_with(lower(e.name), lower({name})) THEN 1"
        f" WHEN strpos(lower(e.name), lower({name})) > 0 THEN 2 ELSE 3 END"
    )


def _decode_cursor(cursor: str, by_name: bool) -> dict[str, Any]:
    """The sort key in a cursor; raises InvalidSearchError when it is not one of ours."""
    bad = InvalidSearchError("after: not a cursor of this search (use a pageInfo.endCursor)")
    key = cursors.decode(cursor)
    expected = {"m", "r", "l", "u"} if by_name else {"m", "u"}
    if key is None or set(key) != expected:
        raise bad
    if key["m"] != ("name" if by_name else "code") or not _is_code_like(key["u"]):
        raise bad
    if by_name and not (_is_small_int(key["r"], 3) and _is_small_int(key["l"], 10_000)):
        raise bad
    return key


def _is_code_like(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 18 and all(ch in ALPHABET for ch in value)


def _is_small_int(value: Any, most: int) -> bool:
    return type(value) is int and 0 <= value <= most


async def search_enterprises(
    conn: Queryable,
    search: EnterpriseFilter,
    *,
    first: int,
    after: str | None,
    today: dt.date,
) -> SearchPage:
    """One page of enterprises matching `search` (validated here), after cursor `after`."""
    search = search.validated()
    validate_first(first)
    if search.name is not None:
        return await _page_by_relevance(conn, search, first, after, today)
    return await _page_by_code(conn, search, first, after, today)


async def _page_by_code(
    conn: Queryable,
    search: EnterpriseFilter,
    first: int,
    after: str | None,
    today: dt.date,
) -> SearchPage:
    params = _Params()
    conditions, _ = _conditions(search, today, params)
    if after is not None:
        key = _decode_cursor(after, by_name=False)
        conditions.append(f"e.uscc > {params.add(key['u'], 'text')}")
    limit = params.add(first + 1, "int")
    sql = (
        f"SELECT e.uscc FROM enterprises e WHERE {' AND '.join(conditions)}"  # noqa: S608
        f" ORDER BY e.uscc LIMIT {limit}"
    )
    rows = await conn.fetch(sql, *params.values)
    hits = [SearchHit(r["uscc"], cursors.encode({"m": "code", "u": r["uscc"]})) for r in rows]
    return SearchPage(tuple(hits[:first]), has_next_page=len(hits) > first)


async def _page_by_relevance(
    conn: Queryable,
    search: EnterpriseFilter,
    first: int,
    after: str | None,
    today: dt.date,
) -> SearchPage:
    params = _Params()
    conditions, name = _conditions(search, today, params)
    assert name is not None
    rank = _relevance(name)
    after_key = "TRUE"
    if after is not None:
        key = _decode_cursor(after, by_name=True)
        after_key = (
            f"(m.rank, m.name_length, m.uscc) > ({params.add(key['r'], 'int')},"
            f" {params.add(key['l'], 'int')}, {params.add(key['u'], 'text')})"
        )
    limit = params.add(first + 1, "int")
    sql = (
        f"SELECT m.uscc, m.rank, m.name_length FROM ("  # noqa: S608
        f"SELECT e.uscc, {rank} AS rank, char_length(e.name) AS name_length"
        f" FROM enterprises e WHERE {' AND '.join(conditions)}) AS m"
        f" WHERE {after_key} ORDER BY m.rank, m.name_length, m.uscc LIMIT {limit}"
    )
    rows = await conn.fetch(sql, *params.values)
    hits = [
        SearchHit(
            r["uscc"],
            cursors.encode({"m": "name", "r": r["rank"], "l": r["name_length"], "u": r["uscc"]}),
        )
        for r in rows
    ]
    return SearchPage(tuple(hits[:first]), has_next_page=len(hits) > first)


async def count_enterprises(
    conn: Queryable,
    search: EnterpriseFilter,
    *,
    today: dt.date,
) -> int:
    """How many enterprises match `search` (validated here)."""
    params = _Params()
    conditions, _ = _conditions(search.validated(), today, params)
    sql = f"SELECT count(*) FROM enterprises e WHERE {' AND '.join(conditions)}"  # noqa: S608
    count: int = await conn.fetchval(sql, *params.values)
    return count
