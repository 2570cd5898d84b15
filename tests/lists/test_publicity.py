"""listings (centralised publicity): entries in force on a day, by division, in Relay pages;
and the archive's other readers (history, the enterprise search) with gateway decisions."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.records import ListKind
from tests.archive.rows import listing, put_record
from tests.lists.support import (
    DAY,
    LIST_ABNORMAL,
    REMOVE_ABNORMAL,
    TODAY,
    enterprise,
    refused,
    run,
    taken,
)

LISTINGS = """
query($kind: ListKind!, $on: Date, $division: String, $first: Int, $after: String) {
  listings(kind: $kind, activeOn: $on, division: $division, first: $first, after: $after) {
    edges { cursor node { id uscc listedOn active provenance { source } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

COUNT = """
query($kind: ListKind!, $on: Date, $division: String) {
  listings(kind: $kind, activeOn: $on, division: $division, first: 1) { totalCount }
}
"""

A = ListKind.ABNORMAL_OPERATIONS
S = ListKind.SERIOUS_DISHONESTY


async def _seed(pool: asyncpg.Pool[Any]) -> dict[str, str]:
    """Entries of departments in three divisions; their archive ids by name."""
    longhu, jinping, chenghai = (
        await enterprise(pool, 1, "440507"),
        await enterprise(pool, 2, "440511"),
        await enterprise(pool, 3, "440515"),
    )
    entries = {
        "longhu": listing(longhu, A, TODAY - 10 * DAY),
        "jinping": listing(jinping, A, TODAY - 20 * DAY),
        "chenghai": listing(chenghai, A, TODAY - 30 * DAY),
        "removed": listing(jinping, A, TODAY - 40 * DAY, removed_on=TODAY - 5 * DAY),
        "old": listing(chenghai, A, TODAY - 400 * DAY, removed_on=TODAY - 300 * DAY),
        "serious": listing(longhu, S, TODAY - 50 * DAY, expires_on=TODAY + 900 * DAY),
        "expired": listing(jinping, S, TODAY - 1200 * DAY, expires_on=TODAY - 100 * DAY),
    }
    return {name: await put_record(pool, record) for name, record in entries.items()}


async def _ids(client: httpx.AsyncClient, **variables: Any) -> list[str]:
    body = await run(client, LISTINGS, {"kind": "ABNORMAL_OPERATIONS"} | variables)
    assert "errors" not in body, body
    return [edge["node"]["id"] for edge in body["data"]["listings"]["edges"]]


async def _count(client: httpx.AsyncClient, **variables: Any) -> int:
    body = await run(client, COUNT, {"kind": "ABNORMAL_OPERATIONS"} | variables)
    assert "errors" not in body, body
    count: int = body["data"]["listings"]["totalCount"]
    return count


async def test_entries_in_force_today_newest_first(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    ids = await _seed(clean_archive)
    assert await _ids(client) == [ids["longhu"], ids["jinping"], ids["chenghai"]]
    assert await _count(client) == 3
    assert await _ids(client, kind="SERIOUS_DISHONESTY") == [ids["serious"]]
    assert await _count(client, kind="SERIOUS_DISHONESTY") == 1


async def test_a_past_day_counts_entries_removed_or_expired_since(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    ids = await _seed(clean_archive)
    on = (TODAY - 35 * DAY).isoformat()
    assert await _ids(client, on=on) == [ids["removed"]]
    assert await _count(client, on=on) == 1
    long_ago = (TODAY - 350 * DAY).isoformat()
    assert await _ids(client, on=long_ago) == [ids["old"]]
    assert await _ids(client, kind="SERIOUS_DISHONESTY", on=long_ago) == [ids["expired"]]
    # The day an entry is removed or expires, it is no longer in force.
    assert ids["removed"] not in await _ids(client, on=(TODAY - 5 * DAY).isoformat())
    later = (TODAY + 900 * DAY).isoformat()
    assert await _ids(client, kind="SERIOUS_DISHONESTY", on=later) == []


async def test_division_code_or_prefix(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    ids = await _seed(clean_archive)
    assert await _ids(client, division="440511") == [ids["jinping"]]
    assert await _count(client, division=" 440511 ") == 1
    assert await _ids(client, division="4405") == [ids["longhu"], ids["jinping"],
                                                    ids["chenghai"]]
    assert await _ids(client, division="4406") == []
    assert await _count(client, division="4406") == 0


async def test_pages_follow_each_other_without_gaps_or_repeats(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 1)
    # Two entries share each listing day, so the id breaks the ties within a day.
    made = [await put_record(pool, listing(uscc, A, TODAY - (n // 2) * DAY),
                             record_id=f"entry-{n}") for n in range(7)]
    expected = sorted(made, key=lambda i: (made.index(i) // 2, -int(i)))
    seen: list[str] = []
    after: str | None = None
    while True:
        body = await run(client, LISTINGS, {"kind": "ABNORMAL_OPERATIONS", "first": 3,
                                            "after": after})
        page = body["data"]["listings"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected and len(seen) == 7


def _cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"division": "44a5"}, "division: expected 2 to 6 digits"),
        ({"division": "4"}, "division: expected 2 to 6 digits"),
        ({"division": "4405071"}, "division: expected 2 to 6 digits"),
        ({"first": 0}, "first: expected 1 to 100"),
        ({"first": 101}, "first: expected 1 to 100"),
        ({"after": "not-a-cursor"}, "after: not a cursor of this list"),
        ({"after": _cursor({"m": "code", "u": "91440507000000001X"})},
         "after: not a cursor of this list"),
        ({"after": _cursor({"l": "2026-02-30", "i": 1})}, "after: not a cursor of this list"),
        ({"after": _cursor({"l": "2026-01-30", "i": -1})}, "after: not a cursor of this list"),
        ({"after": _cursor({"l": "2026-01-30", "i": "1"})}, "after: not a cursor of this list"),
        ({"after": _cursor({"l": "30/01/2026", "i": 1})}, "after: not a cursor of this list"),
        ({"after": _cursor([1, 2])}, "after: not a cursor of this list"),
    ],
)
async def test_bad_arguments_are_refused(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], variables: dict[str, Any],
    expected: str,
) -> None:
    body = await run(client, LISTINGS, {"kind": "ABNORMAL_OPERATIONS"} | variables)
    assert expected in refused(body)


async def test_a_gateway_decision_shows_at_once_everywhere(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1, "440511")
    before = dt.datetime.now(dt.UTC)
    entry = taken(await run(client, LIST_ABNORMAL, {
        "uscc": uscc, "ground": "INFO_NOT_DISCLOSED", "on": TODAY.isoformat(),
        "number": "汕金市监列异〔2026〕2号"}), "listAbnormal")
    assert await _ids(client, division="440511") == [entry["id"]]
    assert await _listed_codes(client) == [uscc]
    assert await _entries_as_of(client, uscc, before) == []
    after = dt.datetime.now(dt.UTC)
    assert await _entries_as_of(client, uscc, after) == [entry["id"]]
    taken(await run(client, REMOVE_ABNORMAL, {"id": entry["id"], "on": TODAY.isoformat(),
                                               "reason": "已按期公示"}), "removeAbnormal")
    assert await _ids(client) == [] and await _listed_codes(client) == []
    # As of the listing's moment the entry is still in force: its removal came later.
    assert await _entries_as_of(client, uscc, after, active=True) == [entry["id"]]


async def _listed_codes(client: httpx.AsyncClient) -> list[str]:
    body = await run(client, "{ enterprises(filter: {listed: ABNORMAL_OPERATIONS}) "
                             "{ edges { node { uscc } } totalCount } }", {})
    assert "errors" not in body, body
    connection = body["data"]["enterprises"]
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"]["uscc"] for edge in connection["edges"]]


async def _entries_as_of(
    client: httpx.AsyncClient, uscc: str, at: dt.datetime, *, active: bool | None = None
) -> list[str]:
    body = await run(client, "query($uscc: USCC!, $at: DateTime) { enterprise(uscc: $uscc, "
                             "asOf: $at) { listings { id active } } }",
                     {"uscc": uscc, "at": at.isoformat()})
    assert "errors" not in body, body
    entries = body["data"]["enterprise"]["listings"]
    return [e["id"] for e in entries if active is None or e["active"] is active]
