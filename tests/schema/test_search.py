from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.records import EnterpriseStatus, KeyArea, ListKind
from schema.context import today_in_shanghai
from tests.archive.rows import code, listing, put_record, registration
from tests.schema.conftest import graphql

SEARCH = """query($filter: EnterpriseFilter, $first: Int, $after: String) {
  enterprises(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { uscc name } }
  }
}"""


async def _search(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    body = await graphql(client, SEARCH, variables)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["enterprises"]
    return result


def _codes(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["uscc"] for edge in result["edges"]]


@pytest.fixture
async def shantou(clean_archive: asyncpg.Pool[Any]) -> dict[str, str]:
    pool = clean_archive
    rows: dict[str, tuple[str, str, dict[str, Any], tuple[KeyArea, ...]]] = {
        "food": ("汕头市金平食品有限公司", "440511", {"former_names": ("金平罐头厂",)},
                 (KeyArea.FOOD_PRODUCTION,)),
        "boiler": ("Shantou Boiler Works", "440507", {}, (KeyArea.SPECIAL_EQUIPMENT_PRODUCTION,)),
        "textile": ("汕头市潮南纺织有限公司", "440514", {"status": EnterpriseStatus.REVOKED}, ()),
        "snacks": ("食品", "440507", {}, (KeyArea.FOOD_PRODUCTION,)),
    }
    codes = {}
    for n, (key, (name, division, fields, areas)) in enumerate(rows.items(), start=1):
        codes[key] = code(n, division)
        await put_record(pool, registration(codes[key], name, **fields), key_areas=areas)
    today = today_in_shanghai()
    await put_record(pool, listing(codes["textile"], ListKind.ABNORMAL_OPERATIONS,
                                   today - dt.timedelta(days=10)))
    return codes


async def test_filters(client: httpx.AsyncClient, shantou: dict[str, str]) -> None:
    everything = await _search(client)
    assert everything["totalCount"] == 4 and _codes(everything) == sorted(shantou.values())
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"name": "食品"}, ["snacks", "food"]),
        ({"name": "罐头"}, ["food"]),
        ({"name": "boiler"}, ["boiler"]),
        ({"usccPrefix": "91440511"}, ["food"]),
        ({"division": "4405"}, sorted(shantou, key=shantou.__getitem__)),
        ({"division": "440514"}, ["textile"]),
        ({"keyArea": "FOOD_PRODUCTION"}, sorted(["food", "snacks"], key=shantou.__getitem__)),
        ({"status": "REVOKED"}, ["textile"]),
        ({"listed": "ABNORMAL_OPERATIONS"}, ["textile"]),
        ({"listed": "SERIOUS_DISHONESTY"}, []),
        ({"name": "汕头", "division": "440511"}, ["food"]),
    ]
    for search_filter, expected in cases:
        result = await _search(client, filter=search_filter)
        assert _codes(result) == [shantou[k] for k in expected], search_filter
        assert result["totalCount"] == len(expected), search_filter


async def test_pages_follow_each_other(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
) -> None:
    codes = [code(n) for n in range(1, 14)]
    for n, uscc in enumerate(codes, start=1):
        await put_record(clean_archive, registration(uscc, f"汕头企业{n}"))
    seen: list[str] = []
    after = None
    for _ in range(10):
        result = await _search(client, first=5, after=after, filter={"name": "汕头企业"})
        seen += _codes(result)
        assert result["totalCount"] == 13
        if result["edges"]:
            assert result["pageInfo"]["endCursor"] == result["edges"][-1]["cursor"]
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 13
    assert set(seen) == set(codes)


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 0},
        {"first": 101},
        {"first": -1},
        {"after": "bm90IGEgY3Vyc29y"},
        {"after": "!!"},
        {"filter": {"division": "44a5"}},
        {"filter": {"division": "4"}},
        {"filter": {"usccPrefix": "91O"}},
        {"filter": {"usccPrefix": "9" * 19}},
        {"filter": {"name": " "}},
    ],
)
async def test_bad_arguments_give_bad_user_input(
    client: httpx.AsyncClient, variables: dict[str, Any],
) -> None:
    body = await graphql(client, SEARCH, variables)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["enterprises"]


async def test_a_wrong_enum_value_is_a_request_error(client: httpx.AsyncClient) -> None:
    body = await graphql(client, SEARCH, {"filter": {"status": "CLOSED"}})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "data" not in body


async def test_null_first_means_the_default(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
) -> None:
    for n in range(1, 23):
        await put_record(clean_archive, registration(code(n), f"企业{n}"))
    result = await _search(client, first=None)
    assert len(result["edges"]) == 20 and result["pageInfo"]["hasNextPage"]
