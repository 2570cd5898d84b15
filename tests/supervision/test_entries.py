"""The key-supervision list over GraphQL (access control off): pages, filters, manual entries
and every refusal, with nothing written when refused."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from gateway.records import EnterpriseStatus, KeyArea
from gateway.supervision.refresh import refresh_all
from tests.archive.rows import code as code_of
from tests.schema.conftest import graphql
from tests.supervision.support import (
    ADD,
    DAY,
    KEY_SUPERVISION,
    REMOVE,
    TODAY,
    enterprise,
    penalties,
    risk,
)

FOOD = (KeyArea.FOOD_PRODUCTION,)


async def seeded(pool: asyncpg.Pool[Any]) -> tuple[str, str, str]:
    """Three derived entries: high risk in Longhu, repeated violations in Chenghai and
    Longhu; their codes."""
    high = await enterprise(pool, 1, key_areas=FOOD)
    await risk(pool, high, "D")
    chenghai = await enterprise(pool, 2, division="440515")
    await penalties(pool, chenghai, [TODAY - 90 * DAY, TODAY - 60 * DAY, TODAY - 30 * DAY])
    longhu = await enterprise(pool, 3)
    await penalties(pool, longhu, [TODAY - 90 * DAY, TODAY - 60 * DAY, TODAY - 30 * DAY])
    await refresh_all(pool, TODAY)
    return high, chenghai, longhu


def codes(body: dict[str, Any]) -> list[str]:
    return [e["node"]["uscc"] for e in body["data"]["keySupervision"]["edges"]]


def error_code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_pages_newest_first_with_total(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    high, chenghai, longhu = await seeded(clean)
    first = await graphql(client, KEY_SUPERVISION, {"first": 2})
    page = first["data"]["keySupervision"]
    assert set(codes(first)) <= {high, chenghai, longhu} and len(codes(first)) == 2
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    assert after == page["edges"][-1]["cursor"]
    second = await graphql(client, KEY_SUPERVISION, {"first": 2, "after": after})
    assert second["data"]["keySupervision"]["pageInfo"] == {"hasNextPage": False,
                                                            "endCursor": second["data"][
                                                                "keySupervision"]["edges"][0][
                                                                "cursor"]}
    assert sorted(codes(first) + codes(second)) == sorted([high, chenghai, longhu])
    ids = [int(e["node"]["id"]) for e in page["edges"]]
    assert ids == sorted(ids, reverse=True)


async def test_an_entry_names_grounds_measures_and_enterprise(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    high, _, _ = await seeded(clean)
    body = await graphql(client, KEY_SUPERVISION, {"ground": "KEY_AREA_HIGH_RISK"})
    (edge,) = body["data"]["keySupervision"]["edges"]
    node = edge["node"]
    assert node["uscc"] == high and node["enterpriseName"] == "汕头市监管1号有限公司"
    assert node["division"] == "440507" and node["origin"] == "DERIVED"
    assert node["grounds"] == [{"rule": "KEY_AREA_HIGH_RISK", "detail":
                                "key areas FOOD_PRODUCTION; credit-risk class D "
                                "(model general@test)"}]
    assert node["measures"] == [{"code": "RAISED_SAMPLING", "name": "提高抽查比例"},
                                {"code": "FOCUSED_INSPECTION", "name": "重点检查"}]
    assert node["since"] and node["endedAt"] is None and node["reason"] is None


async def test_filters_by_division_and_ground(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    high, chenghai, longhu = await seeded(clean)
    body = await graphql(client, KEY_SUPERVISION, {"division": "440515"})
    assert codes(body) == [chenghai]
    assert body["data"]["keySupervision"]["totalCount"] == 1
    body = await graphql(client, KEY_SUPERVISION, {"division": " 4405 "})
    assert sorted(codes(body)) == sorted([high, chenghai, longhu])
    body = await graphql(client, KEY_SUPERVISION,
                         {"division": "440507", "ground": "REPEATED_VIOLATIONS"})
    assert codes(body) == [longhu]
    body = await graphql(client, KEY_SUPERVISION, {"ground": "MANUAL"})
    assert codes(body) == [] and body["data"]["keySupervision"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"division": "44-05"}, "division: expected 2 to 6 digits"),
        ({"division": "4"}, "division: expected 2 to 6 digits"),
        ({"division": "4405071"}, "division: expected 2 to 6 digits"),
        ({"after": "not-a-cursor"}, "after: not a cursor of this list"),
        ({"after": "eyJsIjoiMjAyNS0wMS0wMSIsImkiOjF9"}, "after: not a cursor"),  # a listings one
        ({"after": "eyJrIjotMX0"}, "after: not a cursor"),  # {"k":-1}
        ({"first": 0}, "first: expected 1 to 100"),
        ({"first": 101}, "first: expected 1 to 100"),
        ({"ground": "SOMETHING"}, "SOMETHING"),
    ],
)
async def test_bad_arguments(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any], variables: dict[str, Any], message: str
) -> None:
    body = await graphql(client, KEY_SUPERVISION, variables)
    assert error_code(body) == "BAD_USER_INPUT" and message in body["errors"][0]["message"]


async def test_add_and_remove_a_manual_entry(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    added = await graphql(client, ADD, {"uscc": uscc, "reason": "  投诉举报集中  ",
                                        "measures": ["INTERVIEW", "RAISED_SAMPLING"]})
    entry = added["data"]["addKeySupervision"]
    assert entry["origin"] == "MANUAL" and entry["reason"] == "投诉举报集中"
    assert entry["grounds"] == [{"rule": "MANUAL", "detail": "投诉举报集中"}]
    assert [m["code"] for m in entry["measures"]] == ["RAISED_SAMPLING", "INTERVIEW"]
    listed = await graphql(client, KEY_SUPERVISION, {"ground": "MANUAL"})
    assert codes(listed) == [uscc]

    removed = await graphql(client, REMOVE, {"id": entry["id"], "reason": "已整改"})
    gone = removed["data"]["removeKeySupervision"]
    assert gone["id"] == entry["id"] and gone["endedAt"] and gone["endReason"] == "已整改"
    assert codes(await graphql(client, KEY_SUPERVISION, {})) == []
    events = await clean.fetch("SELECT event, actor, reason FROM key_supervision_events"
                               " ORDER BY id")
    assert [(e["event"], e["reason"]) for e in events] == [("STARTED", "投诉举报集中"),
                                                          ("ENDED", "已整改")]
    assert {e["actor"] for e in events} == {"unauthenticated"}

    again = await graphql(client, ADD, {"uscc": uscc, "reason": "再次纳入"})
    entry_again = again["data"]["addKeySupervision"]
    assert entry_again["id"] != entry["id"]
    assert [m["code"] for m in entry_again["measures"]] == ["FOCUSED_INSPECTION"]


async def entry_state(pool: asyncpg.Pool[Any]) -> tuple[int, int]:
    row = await pool.fetchrow("SELECT (SELECT count(*) FROM key_supervision_entries) AS e,"
                              " (SELECT count(*) FROM key_supervision_events) AS v")
    assert row is not None
    return row["e"], row["v"]


@pytest.mark.parametrize(
    ("variables", "code", "message"),
    [
        ({"reason": "   "}, "BAD_USER_INPUT", "reason: expected some text"),
        ({"reason": "x" * 501}, "BAD_USER_INPUT", "reason: expected at most 500"),
        ({"measures": ["CLOSE_DOWN"]}, "BAD_USER_INPUT", "measures: no measure 'CLOSE_DOWN'"),
        ({"uscc": "91440507000000001"}, "INVALID_USCC", ""),
        ({"uscc": "unknown"}, "BAD_USER_INPUT", "no source knows the enterprise"),
        ({"uscc": "deregistered"}, "BAD_USER_INPUT", "is DEREGISTERED"),
        ({"uscc": "twice"}, "BAD_USER_INPUT", "already has a manual key-supervision entry"),
    ],
)
async def test_add_refusals_write_nothing(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any], variables: dict[str, Any], code: str,
    message: str,
) -> None:
    uscc = await enterprise(clean, 1)
    special = {
        "unknown": code_of(99),
        "deregistered": await enterprise(clean, 2, status=EnterpriseStatus.DEREGISTERED),
        "twice": uscc,
    }
    if variables.get("uscc") == "twice":
        await graphql(client, ADD, {"uscc": uscc, "reason": "第一次"})
    arguments = {"uscc": uscc, "reason": "投诉集中"} | variables
    arguments["uscc"] = special.get(arguments["uscc"], arguments["uscc"])
    before = await entry_state(clean)
    body = await graphql(client, ADD, arguments)
    assert error_code(body) == code and message in body["errors"][0]["message"]
    assert await entry_state(clean) == before


async def test_a_derived_entry_cannot_be_removed_by_hand(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    high, _, _ = await seeded(clean)
    entry_id = await clean.fetchval("SELECT id FROM key_supervision_entries WHERE uscc = $1", high)
    before = await entry_state(clean)
    body = await graphql(client, REMOVE, {"id": str(entry_id), "reason": "不再需要"})
    assert error_code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == (
        f"entry {entry_id} is derived from the rules (KEY_AREA_HIGH_RISK): it ends by itself "
        f"when its grounds are gone and cannot be removed by hand")
    assert await entry_state(clean) == before


@pytest.mark.parametrize(
    ("entry", "reason", "message"),
    [
        ("abc", "x", "entryId: not an id, got 'abc'"),
        ("-1", "x", "entryId: not an id"),
        ("", "x", "entryId: not an id"),
        ("999999", "x", "entryId: no key-supervision entry 999999"),
        ("manual", " ", "reason: expected some text"),
        ("removed", "再次移出", "was already removed"),
    ],
)
async def test_remove_refusals_write_nothing(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any], entry: str, reason: str, message: str
) -> None:
    uscc = await enterprise(clean, 1)
    added = await graphql(client, ADD, {"uscc": uscc, "reason": "投诉集中"})
    entry_id = added["data"]["addKeySupervision"]["id"]
    if entry == "removed":
        await graphql(client, REMOVE, {"id": entry_id, "reason": "已整改"})
    before = await entry_state(clean)
    target = entry_id if entry in ("manual", "removed") else entry
    body = await graphql(client, REMOVE, {"id": target, "reason": reason})
    assert error_code(body) == "BAD_USER_INPUT" and message in body["errors"][0]["message"]
    assert await entry_state(clean) == before
