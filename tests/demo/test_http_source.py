"""The demo HTTP systems speak the docs/sources.md protocol, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.demo.context import Chunk
from adapters.demo.http_source import DepartmentSystem, decode_cursor, encode_cursor
from adapters.demo.layout import COMMITMENTS, INSPECTIONS, LICENCES, SAMPLINGS
from adapters.demo.servers import ServerError, ServersProcess

KEY = "test-key"


@pytest.fixture(scope="module")
async def systems(loaded_exchange: str) -> AsyncIterator[dict[str, str]]:
    """licensing (with an API key), inspection, and a flaky inspection system."""
    servers = ServersProcess([
        (DepartmentSystem(loaded_exchange, (LICENCES, COMMITMENTS), api_key=KEY).app, 0),
        (DepartmentSystem(loaded_exchange, (INSPECTIONS, SAMPLINGS)).app, 0),
        (DepartmentSystem(loaded_exchange, (INSPECTIONS,), flaky_every=2).app, 0),
    ])
    licensing, inspection, flaky = await servers.start()
    yield {"licensing": licensing, "inspection": inspection, "flaky": flaky}
    await servers.stop()


async def _get(url: str, params: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(url, params=params, headers=headers)


def _order(chunk_rows: list[tuple[Any, ...]]) -> list[str]:
    """Ids in the protocol's order: update time, then id."""
    rows = sorted(chunk_rows, key=lambda r: (dt.datetime.fromisoformat(str(r[-1])), str(r[0])))
    return [str(r[0]) for r in rows]


async def _all_pages(url: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    pages = 0
    cursor = None
    while True:
        response = await _get(url, {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages


async def test_paging_returns_every_row_once_in_order(systems: dict[str, str],
                                                      demo_chunk: Chunk) -> None:
    items, pages = await _all_pages(systems["inspection"] + "/api/v1/ccjc", {"limit": 37})
    assert [i["jcid"] for i in items] == _order(demo_chunk.inspections)
    assert pages == len(demo_chunk.inspections) // 37 + 1
    first = items[0]
    assert set(first) == set(INSPECTIONS.columns)
    assert dt.datetime.fromisoformat(first["gxsj"]).utcoffset() == dt.timedelta(hours=8)


async def test_updated_since_is_inclusive(systems: dict[str, str], demo_chunk: Chunk) -> None:
    ordered = sorted(demo_chunk.samplings, key=lambda r: str(r[-1]))
    boundary = str(ordered[len(ordered) // 2][-1])
    moment = dt.datetime.fromisoformat(boundary)
    expected = [r for r in demo_chunk.samplings
                if dt.datetime.fromisoformat(str(r[-1])) >= moment]
    utc = moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    for since in (boundary, utc):
        items, _ = await _all_pages(systems["inspection"] + "/api/v1/jdcj",
                                    {"updated_since": since, "limit": 10})
        assert {i["cjid"] for i in items} == {str(r[0]) for r in expected}
        assert items[0]["gxsj"] == boundary


async def test_a_plus_sent_unencoded_is_still_an_offset(systems: dict[str, str]) -> None:
    response = await _get(systems["inspection"]
                          + "/api/v1/ccjc?updated_since=2026-01-01T00:00:00+08:00&limit=5")
    assert response.status_code == 200
    assert all(i["gxsj"] >= "2026-01-01" for i in response.json()["items"])


async def test_the_cursor_continues_a_listing_with_updated_since(systems: dict[str, str]) -> None:
    url = systems["inspection"] + "/api/v1/ccjc"
    since = {"updated_since": "2023-06-01T00:00:00+08:00"}
    whole = (await _get(url, {**since, "limit": 5000})).json()["items"]
    first = (await _get(url, {**since, "limit": 3})).json()
    second = (await _get(url, {**since, "limit": 3, "cursor": first["next_cursor"]})).json()
    assert first["items"] + second["items"] == whole[:6]


async def test_fetch_answers_the_rows_of_the_codes_asked(systems: dict[str, str],
                                                         demo_chunk: Chunk) -> None:
    codes = sorted({str(r[1]) for r in demo_chunk.inspections})[:3]
    response = await _get(systems["inspection"] + "/api/v1/ccjc/by-uscc",
                          {"uscc": ",".join([*codes, "914403001922038216"])})
    assert response.status_code == 200
    items = response.json()["items"]
    assert sorted(i["jcid"] for i in items) == sorted(
        str(r[0]) for r in demo_chunk.inspections if r[1] in codes)
    lower = await _get(systems["inspection"] + "/api/v1/ccjc/by-uscc",
                       {"uscc": f" {codes[0].lower()} "})
    assert {i["tyshxydm"] for i in lower.json()["items"]} == {codes[0]}


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/api/v1/ccjc", {"updated_since": "yesterday"}, "updated_since"),
        ("/api/v1/ccjc", {"updated_since": "2024-01-01T00:00:00"}, "offset"),
        ("/api/v1/ccjc", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/v1/ccjc", {"cursor": encode_cursor(dt.datetime(2024, 1, 1), "x")}, "cursor"),
        ("/api/v1/ccjc", {"limit": "0"}, "limit"),
        ("/api/v1/ccjc", {"limit": "5001"}, "limit"),
        ("/api/v1/ccjc", {"limit": "ten"}, "limit"),
        ("/api/v1/ccjc/by-uscc", {}, "uscc"),
        ("/api/v1/ccjc/by-uscc", {"uscc": " , "}, "uscc"),
        ("/api/v1/ccjc/by-uscc", {"uscc": ",".join(["914403001922038216"] * 1001)}, "at most"),
    ],
)
async def test_bad_parameters_answer_400(systems: dict[str, str], path: str,
                                         params: dict[str, str], message: str) -> None:
    response = await _get(systems["inspection"] + path, params)
    assert response.status_code == 400
    assert message in response.json()["error"]


async def test_the_licensing_system_wants_its_key(systems: dict[str, str]) -> None:
    url = systems["licensing"] + "/api/v1/xkxx"
    assert (await _get(url)).status_code == 401
    assert (await _get(url, headers={"X-Api-Key": "wrong"})).status_code == 401
    response = await _get(url, {"limit": 2}, headers={"X-Api-Key": KEY})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 2
    commitments = await _get(systems["licensing"] + "/api/v1/xycn", headers={"X-Api-Key": KEY})
    assert set(commitments.json()["items"][0]) == set(COMMITMENTS.columns)


async def test_a_flaky_system_answers_some_requests_with_503(systems: dict[str, str]) -> None:
    statuses = [(await _get(systems["flaky"] + "/api/v1/ccjc", {"limit": 1})) for _ in range(4)]
    assert [r.status_code for r in statuses].count(503) == 2
    unavailable = next(r for r in statuses if r.status_code == 503)
    assert unavailable.headers["retry-after"] == "0"


async def test_the_index_lists_the_feeds(systems: dict[str, str]) -> None:
    body = (await _get(systems["licensing"] + "/")).json()
    assert [f["path"] for f in body["feeds"]] == ["/api/v1/xkxx", "/api/v1/xycn"]


def test_cursors_round_trip() -> None:
    moment = dt.datetime(2024, 5, 6, 1, 2, 3, tzinfo=dt.UTC)
    assert decode_cursor(encode_cursor(moment, "JC000000100")) == (moment, "JC000000100")


def test_a_negative_flaky_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="flaky_every"):
        DepartmentSystem("postgresql://x@127.0.0.1/x", (INSPECTIONS,), flaky_every=-1)


async def test_a_system_that_cannot_reach_its_database_fails_to_start() -> None:
    system = DepartmentSystem("postgresql://nobody@127.0.0.1:1/none", (INSPECTIONS,))
    servers = ServersProcess([(system.app, 0)])
    with pytest.raises(ServerError, match="did not start"):
        await servers.start()


async def test_systems_serve_until_stopped(loaded_exchange: str) -> None:
    licensing = DepartmentSystem(loaded_exchange, (LICENCES,), api_key=KEY)
    flaky = DepartmentSystem(loaded_exchange, (INSPECTIONS,), flaky_every=2)
    servers = ServersProcess([(licensing.app, 0), (flaky.app, 0)])
    licensing_url, flaky_url = await servers.start()
    try:
        page = await _get(f"{licensing_url}/api/v1/xkxx", {"limit": "2"},
                          headers={"x-api-key": KEY})
        assert page.status_code == 200 and len(page.json()["items"]) == 2
        assert (await _get(f"{licensing_url}/api/v1/xkxx")).status_code == 401
        answers = [(await _get(f"{flaky_url}/api/v1/ccjc", {"limit": 1})).status_code for _ in range(2)]
        assert answers == [200, 503]  # the child keeps the system's state between requests
    finally:
        await servers.stop()
    with pytest.raises(httpx.ConnectError):
        await _get(f"{licensing_url}/api/v1/xkxx")


async def test_systems_stop_when_their_parent_is_gone(
    loaded_exchange: str,
) -> None:
    servers = ServersProcess([(DepartmentSystem(loaded_exchange, (INSPECTIONS,)).app, 0)])
    [url] = await servers.start()
    process = servers._process
    assert process is not None and process.stdin is not None
    process.stdin.close()  # what the parent's end of the pipe does when the parent dies
    assert await asyncio.to_thread(process.wait, 20) == 0
    await servers.stop()
    with pytest.raises(httpx.ConnectError):
        await _get(f"{url}/api/v1/ccjc")
