from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.base import SourceUnavailable
from gateway.app import build_app
from gateway.freshness import SourceFreshness
from gateway.services import Services
from tests.archive.rows import code, penalty, put_record, registration
from tests.schema.conftest import graphql

QUERY = "query($u: USCC!) { enterprise(uscc: $u) { name freshness { source stale } } }"


async def test_a_bug_is_masked_as_internal_and_logged_with_the_request_id(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture,
) -> None:
    uscc = code(1)
    await put_record(clean_archive, registration(uscc, "坏数据企业"))
    # A negative fine cannot be judged by the severity rules: they raise.
    await put_record(clean_archive, penalty(uscc, "汕市监罚〔2026〕1号", dt.date(2026, 1, 5),
                                            fine_amount=Decimal("-5")))
    with caplog.at_level(logging.ERROR, logger="schema.errors"):
        body = await graphql(client, "query($u: USCC!) { enterprise(uscc: $u) { name } }",
                             {"u": uscc})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    request_id = error["extensions"]["requestId"]
    assert len(request_id) == 32
    assert "fine" not in error["message"] and "-5" not in error["message"]
    assert body["data"] == {"enterprise": None}
    (record,) = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.exc_info is not None and "fine_amount" in str(record.exc_info[1])


@dataclasses.dataclass
class ArchivingRefresher:
    """Stands in for the source fetch: what it "fetches" it writes into the real archive."""

    pool: asyncpg.Pool[Any]
    reachable: bool = True
    fail: bool = False
    asked: list[str] = dataclasses.field(default_factory=list)

    async def ensure_fresh(self, uscc: str) -> Sequence[SourceFreshness]:
        self.asked.append(uscc)
        if self.fail:
            raise SourceUnavailable("registration: connection refused")
        now = dt.datetime.now(dt.UTC)
        if self.reachable:
            await put_record(self.pool, registration(uscc, "刚刚取得的企业"))
            return [SourceFreshness("registration", "登记注册", now, stale=False)]
        return [SourceFreshness("registration", "登记注册", now - dt.timedelta(days=2), True)]


@pytest.fixture
async def refreshing(
    services: Services, clean_archive: asyncpg.Pool[Any],
) -> AsyncIterator[tuple[httpx.AsyncClient, ArchivingRefresher]]:
    refresher = ArchivingRefresher(clean_archive)
    app = build_app(dataclasses.replace(services, refresher=refresher))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client, refresher


async def test_refresh_runs_before_the_profile_is_read(
    refreshing: tuple[httpx.AsyncClient, ArchivingRefresher],
) -> None:
    client, refresher = refreshing
    uscc = code(2)
    body = await graphql(client, QUERY, {"u": uscc})
    assert refresher.asked == [uscc]
    assert body == {"data": {"enterprise": {
        "name": "刚刚取得的企业", "freshness": [{"source": "registration", "stale": False}]}}}


async def test_unknown_code_with_an_unreachable_source_is_source_unavailable(
    refreshing: tuple[httpx.AsyncClient, ArchivingRefresher],
) -> None:
    client, refresher = refreshing
    refresher.reachable = False
    body = await graphql(client, QUERY, {"u": code(3)})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SOURCE_UNAVAILABLE"
    assert "registration" in error["message"]


async def test_a_known_code_with_a_stale_source_is_served_as_stale(
    refreshing: tuple[httpx.AsyncClient, ArchivingRefresher], clean_archive: asyncpg.Pool[Any],
) -> None:
    client, refresher = refreshing
    uscc = code(4)
    await put_record(clean_archive, registration(uscc, "存档企业"))
    refresher.reachable = False
    body = await graphql(client, QUERY, {"u": uscc})
    assert body == {"data": {"enterprise": {
        "name": "存档企业", "freshness": [{"source": "registration", "stale": True}]}}}


async def test_a_refresh_that_raises_is_source_unavailable(
    refreshing: tuple[httpx.AsyncClient, ArchivingRefresher],
) -> None:
    client, refresher = refreshing
    refresher.fail = True
    body = await graphql(client, QUERY, {"u": code(5)})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SOURCE_UNAVAILABLE"
    assert "connection refused" in error["message"]
