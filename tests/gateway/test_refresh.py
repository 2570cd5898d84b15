"""On-demand refresh against a real registration API on loopback and the archive.

The API speaks the `http` protocol of docs/sources.md (a paged listing and a fetch path); a
test changes the source's copy of an enterprise after the sync, or makes the source fail,
and checks what `SourceRefresher.ensure_fresh` and the `enterprise` query make of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import socket
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from adapters.config import SourcesConfig
from gateway.app import build_app
from gateway.clock import utcnow
from gateway.freshness import SourceFreshness
from gateway.keyareas import DEFAULT_RULES
from gateway.refresh import SourceRefresher
from gateway.services import Services
from gateway.settings import Settings
from gateway.sync import sync_all
from tests.adapters.configs import (
    PENALTY_FIELDS,
    REGISTRATION_FIELDS,
    USCC_A,
    USCC_B,
    write_and_load,
)
from tests.loopback import serve

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
OLD_NAME = "汕头市龙湖区旧名玩具有限公司"
NEW_NAME = "汕头市龙湖区新名玩具有限公司"
OUTER_LIMIT = 20.0
"""Seconds a refresh may take before a test calls it hung; far above every refresh timeout."""
HOLD_LIMIT = 120.0
"""Seconds a held answer waits at most, so a forgotten hold cannot stall the test server."""


def _enterprise(nbxh: int, uscc: str, name: str, minutes: int = 0) -> dict[str, Any]:
    updated = T0 + dt.timedelta(minutes=minutes)
    return {"nbxh": str(nbxh), "tyshxydm": uscc, "qymc": name, "djzt": "存续",
            "xzqh": "440507", "hydm": "C2451", "gxsj": updated.isoformat()}


@dataclasses.dataclass
class RegistrationApi:
    """The registration system behind the test API: its rows, a scripted failure, what it
    was asked, and a hold that keeps answers back until released."""

    items: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    failing: int | None = None
    """When set, every request is answered with this HTTP status."""
    fetched: list[str] = dataclasses.field(default_factory=list)
    """The `uscc` parameter of every fetch request."""
    released: threading.Event = dataclasses.field(default_factory=threading.Event)

    def reset(self) -> None:
        self.items, self.failing, self.fetched = [], None, []
        self.released.set()

    def hold(self) -> None:
        """Answer nothing until reset."""
        self.released.clear()

    async def _gate(self) -> Response | None:
        if not self.released.is_set():
            await asyncio.to_thread(self.released.wait, HOLD_LIMIT)
        if self.failing is not None:
            return PlainTextResponse("unavailable", status_code=self.failing)
        return None

    async def listing(self, request: Request) -> Response:
        if (failure := await self._gate()) is not None:
            return failure
        since = request.query_params.get("updated_since")
        floor = dt.datetime.fromisoformat(since) if since else None
        chosen = sorted(
            (i for i in self.items if floor is None or _updated(i) >= floor),
            key=lambda i: (_updated(i), int(i["nbxh"])),
        )
        start = int(request.query_params.get("cursor", "0"))
        end = start + int(request.query_params["limit"])
        next_cursor = str(end) if end < len(chosen) else None
        return JSONResponse({"items": chosen[start:end], "next_cursor": next_cursor})

    async def by_uscc(self, request: Request) -> Response:
        self.fetched.append(request.query_params["uscc"])
        if (failure := await self._gate()) is not None:
            return failure
        wanted = set(request.query_params["uscc"].split(","))
        return JSONResponse({"items": [i for i in self.items if i["tyshxydm"] in wanted]})


def _updated(item: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(item["gxsj"])


@pytest.fixture(scope="module")
def running_api() -> Iterator[tuple[RegistrationApi, str]]:
    api = RegistrationApi()
    app = Starlette(routes=[
        Route("/api/qyjbxx", api.listing),
        Route("/api/qyjbxx/by-uscc", api.by_uscc),
    ])
    try:
        for url in serve(app):
            yield api, url
    finally:
        api.released.set()


@pytest.fixture
def api(running_api: tuple[RegistrationApi, str]) -> Iterator[RegistrationApi]:
    running_api[0].reset()
    yield running_api[0]
    running_api[0].reset()


@pytest.fixture
def base_url(running_api: tuple[RegistrationApi, str]) -> str:
    return running_api[1] + "/api/"


def _registration_source(base_url: str, **overrides: Any) -> dict[str, Any]:
    source = {
        "name": "registration", "department": "登记注册", "connector": "http",
        "base_url": base_url, "timeout": "60s", "retries": 1, "retry_delay": "10ms",
        "retry_max_delay": "20ms",
        "feed": [{
            "name": "enterprises", "record": "REGISTRATION", "id": "nbxh", "updated": "gxsj",
            "path": "/qyjbxx", "fetch_path": "/qyjbxx/by-uscc", "fields": REGISTRATION_FIELDS,
        }],
    }
    return source | overrides


_FILE_SOURCE = {
    "name": "enforcement", "department": "执法稽查", "connector": "file", "directory": "drops",
    "feed": [{
        "name": "penalties", "record": "PENALTY", "id": "cfjdsh", "pattern": "penalties-*.csv",
        "fields": PENALTY_FIELDS,
    }],
}


def _config(directory: Path, *sources: dict[str, Any]) -> SourcesConfig:
    doc = {"defaults": {"interval": "5m", "max_age": "1h"}, "source": list(sources)}
    return write_and_load(directory, doc, {})


def _drop_penalty(directory: Path, uscc: str) -> None:
    drops = directory / "drops"
    drops.mkdir(exist_ok=True)
    (drops / "penalties-2025.csv").write_text(
        "cfjdsh,tyshxydm,cfrq,cfjg,wfxw,cfzl,fkje,mmje\n"
        f"汕龙市监罚〔2025〕7号,{uscc},2025-03-01,汕头市龙湖区市场监督管理局,"
        "生产不符合食品安全标准的食品,罚款,5000,\n",
        encoding="utf-8",
    )


async def _synced(pool: asyncpg.Pool[Any], config: SourcesConfig) -> None:
    reports = await sync_all(pool, config, DEFAULT_RULES)
    assert [r.error for r in reports] == [None] * len(reports)


@pytest.fixture
async def synced(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, base_url: str, tmp_path: Path
) -> SourcesConfig:
    """USCC_A synced under its old name; the source then renamed it (a later update time)."""
    api.items = [_enterprise(1, USCC_A, OLD_NAME)]
    config = _config(tmp_path, _registration_source(base_url))
    await _synced(clean_archive, config)
    api.items = [_enterprise(1, USCC_A, NEW_NAME, minutes=30)]
    return config


async def _age(pool: asyncpg.Pool[Any], source: str, hours: int = 2) -> dt.datetime:
    """Move the source's last successful sync `hours` back; returns the new time."""
    moved: dt.datetime = await pool.fetchval(
        "UPDATE sources SET last_success_at = last_success_at - make_interval(hours => $2) "
        "WHERE name = $1 RETURNING last_success_at",
        source,
        hours,
    )
    return moved


async def _archived_name(pool: asyncpg.Pool[Any], uscc: str) -> str | None:
    name: str | None = await pool.fetchval("SELECT name FROM enterprises WHERE uscc = $1", uscc)
    return name


@contextlib.asynccontextmanager
async def _refresher(
    pool: asyncpg.Pool[Any], config: SourcesConfig, refresh_timeout: float = 5.0
) -> AsyncIterator[SourceRefresher]:
    refresher = SourceRefresher(pool, config, DEFAULT_RULES, refresh_timeout)
    try:
        yield refresher
    finally:
        await refresher.aclose()


async def _ensure_fresh(refresher: SourceRefresher, uscc: str) -> dict[str, SourceFreshness]:
    """ensure_fresh, failing the test instead of hanging; the freshness by source name."""
    result: Sequence[SourceFreshness] = await asyncio.wait_for(
        refresher.ensure_fresh(uscc), timeout=OUTER_LIMIT
    )
    return {f.source: f for f in result}


def _is_about_now(moment: dt.datetime | None) -> bool:
    return moment is not None and abs(utcnow() - moment) < dt.timedelta(minutes=1)


async def test_a_copy_within_its_max_age_is_served_without_a_fetch(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, synced: SourcesConfig
) -> None:
    last_success = await clean_archive.fetchval("SELECT last_success_at FROM sources")
    async with _refresher(clean_archive, synced) as refresher:
        freshness = await _ensure_fresh(refresher, USCC_A)
    assert api.fetched == []
    assert await _archived_name(clean_archive, USCC_A) == OLD_NAME
    registration = freshness["registration"]
    assert registration.synced_at == last_success and not registration.stale
    assert registration.department == "登记注册"


async def test_an_old_copy_is_fetched_and_replaced_by_the_sources_version(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, synced: SourcesConfig
) -> None:
    await _age(clean_archive, "registration")
    async with _refresher(clean_archive, synced) as refresher:
        freshness = await _ensure_fresh(refresher, USCC_A)
        assert api.fetched == [USCC_A]
        assert await _archived_name(clean_archive, USCC_A) == NEW_NAME
        registration = freshness["registration"]
        assert _is_about_now(registration.synced_at) and not registration.stale
        # the fetch counts as fresh: asking again does not fetch again
        again = await _ensure_fresh(refresher, USCC_A)
    assert api.fetched == [USCC_A]
    assert again["registration"] == registration
    versions = await clean_archive.fetch(
        "SELECT version, payload->>'name' AS name FROM record_versions WHERE uscc = $1 "
        "ORDER BY version",
        USCC_A,
    )
    assert [(v["version"], v["name"]) for v in versions] == [(1, OLD_NAME), (2, NEW_NAME)]


async def test_an_unknown_code_the_source_knows_is_brought_in(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, synced: SourcesConfig
) -> None:
    api.items.append(_enterprise(2, USCC_B, "汕头市龙湖区后来登记玩具有限公司", minutes=40))
    await _age(clean_archive, "registration")
    async with _refresher(clean_archive, synced) as refresher:
        freshness = await _ensure_fresh(refresher, USCC_B)
    assert api.fetched == [USCC_B]
    assert await _archived_name(clean_archive, USCC_B) == "汕头市龙湖区后来登记玩具有限公司"
    assert not freshness["registration"].stale


@pytest.mark.parametrize("failure", ["HTTP 500", "unreachable", "slower than the timeout"])
async def test_a_failing_source_leaves_the_archive_copy_and_reports_it_stale(
    clean_archive: asyncpg.Pool[Any],
    api: RegistrationApi,
    synced: SourcesConfig,
    tmp_path: Path,
    failure: str,
) -> None:
    config, refresh_timeout = synced, 5.0
    if failure == "HTTP 500":
        api.failing = 500
    elif failure == "unreachable":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed = sock.getsockname()[1]
        config = _config(tmp_path, _registration_source(f"http://127.0.0.1:{closed}/api/"))
    else:
        api.hold()  # the source's own timeout (60 s) is far beyond the refresh's
        refresh_timeout = 0.3
    aged = await _age(clean_archive, "registration")
    async with _refresher(clean_archive, config, refresh_timeout) as refresher:
        freshness = await _ensure_fresh(refresher, USCC_A)
        assert freshness["registration"] == SourceFreshness("registration", "登记注册", aged, True)
    requests = {"HTTP 500": 2, "unreachable": 0, "slower than the timeout": 1}[failure]
    assert api.fetched == [USCC_A] * requests  # 500 is retried once (retries = 1)
    assert await _archived_name(clean_archive, USCC_A) == OLD_NAME


async def _wait_for_blocked_write(pool: asyncpg.Pool[Any], table: str) -> None:
    """Return once some session waits for a lock on `table` (bounded)."""
    for _ in range(int(OUTER_LIMIT / 0.02)):
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE relation = $1::regclass AND NOT granted", table
        )
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no write to {table} was ever blocked")


async def test_a_refresh_cut_off_while_writing_writes_nothing(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, synced: SourcesConfig
) -> None:
    await _age(clean_archive, "registration")
    async with clean_archive.acquire() as blocker:
        locked = blocker.transaction()
        await locked.start()
        # Reads go on; the refresh's write of its fetch time waits until the timeout.
        await blocker.execute("LOCK TABLE source_refreshes IN EXCLUSIVE MODE")
        async with _refresher(clean_archive, synced, refresh_timeout=2.0) as refresher:
            refreshing = asyncio.create_task(_ensure_fresh(refresher, USCC_A))
            await _wait_for_blocked_write(clean_archive, "source_refreshes")
            freshness = await refreshing
            await locked.rollback()
    assert api.fetched == [USCC_A]
    assert freshness["registration"].stale
    assert await _archived_name(clean_archive, USCC_A) == OLD_NAME
    assert await clean_archive.fetchval("SELECT max(version) FROM record_versions") == 1
    assert await clean_archive.fetchval("SELECT count(*) FROM source_refreshes") == 0


async def test_a_file_source_is_never_fetched_and_reports_its_sync(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, base_url: str, tmp_path: Path
) -> None:
    api.items = [_enterprise(1, USCC_A, OLD_NAME)]
    _drop_penalty(tmp_path, USCC_A)
    config = _config(tmp_path, _registration_source(base_url), _FILE_SOURCE)
    await _synced(clean_archive, config)
    dropped = await clean_archive.fetchval(
        "SELECT last_success_at FROM sources WHERE name = 'enforcement'"
    )
    await _age(clean_archive, "registration")
    async with _refresher(clean_archive, config) as refresher:
        fresh = await _ensure_fresh(refresher, USCC_A)
        assert fresh["enforcement"] == SourceFreshness("enforcement", "执法稽查", dropped, False)
        assert not fresh["registration"].stale and api.fetched == [USCC_A]

    aged = await _age(clean_archive, "enforcement")
    # Both old now, and the HTTP source hangs: neither may hold the answer back.
    await clean_archive.execute("TRUNCATE source_refreshes")
    api.hold()
    async with _refresher(clean_archive, config, refresh_timeout=0.3) as refresher:
        stale = await _ensure_fresh(refresher, USCC_A)
    assert stale["enforcement"] == SourceFreshness("enforcement", "执法稽查", aged, True)
    assert stale["registration"].stale


def _settings() -> Settings:
    return Settings.from_env({"GATEWAY_SYNC": "false"})


PROFILE = """query($uscc: USCC!) {
  enterprise(uscc: $uscc) { name freshness { source syncedAt stale } }
}"""


@contextlib.asynccontextmanager
async def _gateway(
    pool: asyncpg.Pool[Any], config: SourcesConfig
) -> AsyncIterator[httpx.AsyncClient]:
    """The GraphQL app with a refresher on `config`, reached in process."""
    async with _refresher(pool, config) as refresher:
        services = Services(settings=_settings(), pool=pool, sources=config, refresher=refresher)
        transport = httpx.ASGITransport(app=build_app(services))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


async def _profile(client: httpx.AsyncClient, uscc: str) -> dict[str, Any]:
    response = await asyncio.wait_for(
        client.post("/graphql", json={"query": PROFILE, "variables": {"uscc": uscc}}),
        timeout=OUTER_LIMIT,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_enterprise_query_serves_the_refreshed_profile(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, synced: SourcesConfig
) -> None:
    await _age(clean_archive, "registration")
    async with _gateway(clean_archive, synced) as client:
        body = await _profile(client, USCC_A)
    assert "errors" not in body
    profile = body["data"]["enterprise"]
    assert profile["name"] == NEW_NAME
    [registration] = profile["freshness"]
    assert registration["source"] == "registration" and registration["stale"] is False
    assert _is_about_now(dt.datetime.fromisoformat(registration["syncedAt"]))


async def test_the_enterprise_query_reports_a_failing_source_as_stale(
    clean_archive: asyncpg.Pool[Any], api: RegistrationApi, synced: SourcesConfig
) -> None:
    aged = await _age(clean_archive, "registration")
    api.failing = 503
    async with _gateway(clean_archive, synced) as client:
        known = await _profile(client, USCC_A)
        unknown = await _profile(client, USCC_B)
    assert "errors" not in known
    assert known["data"]["enterprise"]["name"] == OLD_NAME
    [registration] = known["data"]["enterprise"]["freshness"]
    assert registration["stale"] is True
    assert dt.datetime.fromisoformat(registration["syncedAt"]) == aged
    # a code the archive lacks may be known to the source that could not be asked
    assert unknown["data"] == {"enterprise": None}
    assert [e["extensions"]["code"] for e in unknown["errors"]] == ["SOURCE_UNAVAILABLE"]
    assert "registration" in unknown["errors"][0]["message"]
