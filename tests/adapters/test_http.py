"""The http connector against a real licensing API served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from adapters.base import Batch, Cursor, FetchUnsupported, SourceUnavailable
from adapters.config import SourceConfig
from adapters.connectors import open_connector
from adapters.connectors.http import HttpConnector, retry_after
from adapters.mapping import Mapped, Mapper
from gateway.records import License, LicenseStatus
from tests.adapters.configs import LICENSE_FIELDS, USCC_A, USCC_B, one_source
from tests.loopback import serve

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _licence(number: str, uscc: str, minute: int) -> dict[str, Any]:
    updated = dt.datetime(2024, 5, 6, 9, minute, tzinfo=SHANGHAI)
    return {
        "xkzh": number, "tyshxydm": uscc, "xkmc": "食品经营许可证", "fzjg": "龙湖区局",
        "zt": "有效", "fzrq": "2023-07-01", "gxsj": updated.isoformat(),
    }


@dataclasses.dataclass
class LicensingApi:
    """The state behind the test API: its records, scripted failures and the requests seen."""

    items: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    failures: list[Response] = dataclasses.field(default_factory=list)
    requests: list[dict[str, str]] = dataclasses.field(default_factory=list)
    delay: float = 0.0

    def reset(self) -> None:
        self.items, self.failures, self.requests, self.delay = [], [], [], 0.0

    async def listing(self, request: Request) -> Response:
        self.requests.append(dict(request.query_params))
        if self.failures:
            return self.failures.pop(0)
        if self.delay:
            await asyncio.sleep(self.delay)
        since = request.query_params.get("updated_since")
        floor = dt.datetime.fromisoformat(since) if since else None
        chosen = sorted(
            (i for i in self.items if floor is None or _updated(i) >= floor),
            key=lambda i: (_updated(i), i["xkzh"]),
        )
        start = int(request.query_params.get("cursor", "0"))
        end = start + int(request.query_params["limit"])
        next_cursor = str(end) if end < len(chosen) else None
        return JSONResponse({"items": chosen[start:end], "next_cursor": next_cursor})

    async def by_uscc(self, request: Request) -> Response:
        self.requests.append(dict(request.query_params))
        wanted = set(request.query_params["uscc"].split(","))
        return JSONResponse({"items": [i for i in self.items if i["tyshxydm"] in wanted]})


def _updated(item: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(item["gxsj"])


@pytest.fixture(scope="module")
def running_api() -> Iterator[tuple[LicensingApi, str]]:
    api = LicensingApi()
    app = Starlette(routes=[
        Route("/api/v1/licences", api.listing),
        Route("/api/v1/licences/by-uscc", api.by_uscc),
    ])
    for url in serve(app):
        yield api, url


@pytest.fixture
def api(running_api: tuple[LicensingApi, str]) -> LicensingApi:
    running_api[0].reset()
    return running_api[0]


@pytest.fixture
def base_url(running_api: tuple[LicensingApi, str]) -> str:
    return running_api[1] + "/api/v1/"


def _source(tmp_path: Path, base_url: str, **overrides: Any) -> SourceConfig:
    feed = {
        "name": "licences", "record": "LICENSE", "id": "xkzh", "updated": "gxsj",
        "path": "/licences", "page_size": 2, "fetch_path": "/licences/by-uscc",
        "fields": LICENSE_FIELDS,
    }
    for key, value in overrides.pop("feed", {}).items():
        if value is None:
            del feed[key]
        else:
            feed[key] = value
    source = {
        "name": "licensing", "department": "行政许可", "connector": "http",
        "base_url": base_url, "timeout": "2s", "retries": 2, "retry_delay": "10ms",
        "retry_max_delay": "50ms", "headers": {"X-Token": "${TOKEN}"}, "feed": [feed],
    }
    source.update(overrides)
    return one_source(tmp_path, source, TOKEN="s3")


async def _drain(source: SourceConfig, cursor: Cursor) -> list[Batch]:
    connector = open_connector(source)
    try:
        return [batch async for batch in connector.changes(cursor)]
    finally:
        await connector.aclose()


def _numbers(batches: list[Batch]) -> list[str]:
    return [row.data["xkzh"] for batch in batches for row in batch.rows]


async def test_pages_are_batches_and_a_restart_resumes_at_the_page(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_licence(f"JY-{n}", USCC_A, minute) for n, minute in
                 [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4)]]
    source = _source(tmp_path, base_url)
    batches = await _drain(source, {})
    assert [len(b.rows) for b in batches] == [2, 2, 1]
    assert _numbers(batches) == ["JY-1", "JY-2", "JY-3", "JY-4", "JY-5"]
    assert api.requests[0] == {"limit": "2"}
    assert batches[0].cursor["licences"]["page"] == "2"
    assert batches[0].rows[0].position == "/licences id=JY-1"
    final = batches[-1].cursor["licences"]
    assert final == {"since": "2024-05-06T09:04:00+08:00", "page": None, "seen": None}

    resumed = await _drain(source, batches[0].cursor)
    assert _numbers(resumed) == ["JY-3", "JY-4", "JY-5"]
    assert resumed[-1].cursor == batches[-1].cursor


async def test_the_next_sync_asks_from_the_high_water_mark(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_licence("JY-1", USCC_A, 1), _licence("JY-2", USCC_A, 4)]
    source = _source(tmp_path, base_url)
    cursor = (await _drain(source, {}))[-1].cursor
    api.items += [_licence("JY-3", USCC_B, 4), _licence("JY-4", USCC_B, 7)]
    api.requests.clear()
    batches = await _drain(source, cursor)
    assert api.requests[0]["updated_since"] == "2024-05-06T09:04:00+08:00"
    # the boundary time is asked inclusively: JY-2 again, and JY-3 with the same time
    assert _numbers(batches) == ["JY-2", "JY-3", "JY-4"]
    assert batches[-1].cursor["licences"]["since"] == "2024-05-06T09:07:00+08:00"


async def test_rows_map_to_licences(api: LicensingApi, base_url: str, tmp_path: Path) -> None:
    api.items = [_licence("JY-1", USCC_A, 1)]
    source = _source(tmp_path, base_url)
    row = (await _drain(source, {}))[0].rows[0]
    mapped = Mapper(source).map(row)
    assert isinstance(mapped, Mapped) and isinstance(mapped.record, License)
    assert mapped.record.status is LicenseStatus.VALID and mapped.record_id == "JY-1"


async def test_503_then_success_is_retried(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_licence("JY-1", USCC_A, 1)]
    api.failures = [PlainTextResponse("busy", status_code=503)]
    batches = await _drain(_source(tmp_path, base_url), {})
    assert _numbers(batches) == ["JY-1"]
    assert len(api.requests) == 2


async def test_429_with_retry_after_is_retried(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_licence("JY-1", USCC_A, 1)]
    api.failures = [PlainTextResponse("slow down", status_code=429, headers={"Retry-After": "1"})]
    batches = await _drain(_source(tmp_path, base_url), {})
    assert _numbers(batches) == ["JY-1"] and len(api.requests) == 2


def test_retry_after_takes_seconds_or_an_http_date() -> None:
    now = dt.datetime(2024, 5, 6, 1, 0, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=12), usegmt=True)
    earlier = email.utils.format_datetime(now - dt.timedelta(seconds=12), usegmt=True)
    assert retry_after("7", now) == 7.0
    assert retry_after(later, now) == 12.0
    assert retry_after(earlier, now) == 0.0
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


async def test_a_permanent_500_is_source_unavailable_after_the_retries(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.failures = [PlainTextResponse("down", status_code=500) for _ in range(5)]
    expected = "licensing: GET /licences failed 3 times; last: HTTP 500"
    with pytest.raises(SourceUnavailable, match=expected):
        await _drain(_source(tmp_path, base_url), {})
    assert len(api.requests) == 3


async def test_a_client_error_is_not_retried(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.failures = [PlainTextResponse("who are you", status_code=401)]
    with pytest.raises(SourceUnavailable, match="answered HTTP 401"):
        await _drain(_source(tmp_path, base_url), {})
    assert len(api.requests) == 1


async def test_a_refused_page_cursor_lists_again_from_the_high_water_mark(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_licence(f"JY-{n}", USCC_A, n) for n in range(1, 6)]
    source = _source(tmp_path, base_url)
    first = await _drain(source, {})
    stale_cursor = first[0].cursor  # mid-listing, at page "2"
    api.requests.clear()
    api.failures = [PlainTextResponse("unknown cursor", status_code=410)]
    batches = await _drain(source, stale_cursor)
    assert api.requests[0].get("cursor") == "2" and "cursor" not in api.requests[1]
    assert _numbers(batches) == ["JY-1", "JY-2", "JY-3", "JY-4", "JY-5"]
    assert batches[-1].cursor == first[-1].cursor


async def test_a_refused_first_page_is_not_retried_again(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.failures = [PlainTextResponse("gone", status_code=410)] * 2
    with pytest.raises(SourceUnavailable, match="answered HTTP 410"):
        await _drain(_source(tmp_path, base_url), {})
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("<html>oops</html>", "answered a body that is not JSON"),
     ('{"rows": []}', 'answered JSON without an "items" list'),
     ('[1, 2]', 'answered JSON without an "items" list'),
     ('{"items": [], "next_cursor": {"a": 1}}', '"next_cursor" that is not a string')],
)
async def test_a_malformed_body_is_source_unavailable(
    api: LicensingApi, base_url: str, tmp_path: Path, body: str, message: str
) -> None:
    api.failures = [Response(body, media_type="application/json")]
    with pytest.raises(SourceUnavailable, match=message):
        await _drain(_source(tmp_path, base_url), {})


async def test_an_item_that_is_not_an_object_is_quarantined(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.failures = [JSONResponse({"items": [7, _licence("JY-1", USCC_A, 1)], "next_cursor": None})]
    source = _source(tmp_path, base_url)
    rows = (await _drain(source, {}))[0].rows
    outcome = Mapper(source).map(rows[0])
    assert not isinstance(outcome, Mapped)
    assert outcome.position == "/licences page first#0"
    assert outcome.reason == "item is not a JSON object"
    assert isinstance(Mapper(source).map(rows[1]), Mapped)


async def test_a_slow_answer_times_out(api: LicensingApi, base_url: str, tmp_path: Path) -> None:
    api.delay = 1.0
    source = _source(tmp_path, base_url, timeout="200ms", retries=0)
    with pytest.raises(SourceUnavailable, match="failed 1 times; last: ReadTimeout"):
        await _drain(source, {})


async def test_an_unreachable_api_is_source_unavailable(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    source = _source(tmp_path, f"http://127.0.0.1:{closed_port}", retries=1)
    with pytest.raises(SourceUnavailable, match="failed 2 times; last: ConnectError"):
        await _drain(source, {})


async def test_fetch_asks_for_the_enterprises(
    api: LicensingApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_licence("JY-1", USCC_A, 1), _licence("JY-2", USCC_B, 1)]
    connector = HttpConnector(_source(tmp_path, base_url))
    try:
        rows = await connector.fetch([USCC_B, USCC_A])
    finally:
        await connector.aclose()
    assert api.requests == [{"uscc": f"{USCC_B},{USCC_A}"}]
    assert sorted(r.data["xkzh"] for r in rows) == ["JY-1", "JY-2"]
    assert rows[0].feed == "licences"


async def test_fetch_without_a_fetch_path_is_unsupported(base_url: str, tmp_path: Path) -> None:
    connector = HttpConnector(_source(tmp_path, base_url, feed={"fetch_path": None}))
    with pytest.raises(FetchUnsupported):
        await connector.fetch([USCC_A])
