"""Risk data is internal: served with access control on, only callers with risk:read see it;
the served gateway reassesses an enterprise when its records change."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from auth.roles import Role
from gateway.clock import utcnow
from gateway.risk.config import load_models
from gateway.risk.recompute import recompute_all
from gateway.rules.calendar import local_date
from gateway.settings import Settings
from tests.archive.rows import code, penalty, put_record, registration
from tests.auth.conftest import Gateway, bearer, post
from tests.risk.seed import seed
from tests.schema.conftest import serve_gateway

DISTRIBUTION = "{ riskDistribution { classes { riskClass count } unassessed total } }"
PROFILE = "query($u: USCC!) { enterprise(uscc: $u) { name riskAssessment { riskClass } } }"


@pytest.mark.parametrize("role", [None, Role.PARTNER, Role.PROCUREMENT, Role.ASSOCIATION])
async def test_the_distribution_needs_risk_read(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any], role: Role | None
) -> None:
    headers = {} if role is None else await bearer(gateway, clean_archive, role)
    body = await post(gateway, DISTRIBUTION, {}, headers)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body.get("data") is None


async def test_a_supervisor_sees_the_distribution_and_assessments(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    s = await seed(clean_archive, local_date(utcnow()))
    await recompute_all(clean_archive, load_models())
    headers = await bearer(gateway, clean_archive, Role.SUPERVISOR, purpose="inspection")
    body = await post(gateway, DISTRIBUTION, {}, headers)
    assert body["data"]["riskDistribution"]["total"] == 4
    profile = await post(gateway, PROFILE, {"u": s.revoked}, headers)
    assert profile["data"]["enterprise"]["riskAssessment"] == {"riskClass": "D"}


async def test_an_assessment_is_forbidden_without_risk_read(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    s = await seed(clean_archive, local_date(utcnow()))
    await recompute_all(clean_archive, load_models())
    headers = await bearer(gateway, clean_archive, Role.PARTNER, purpose="licensing")
    body = await post(gateway, PROFILE, {"u": s.revoked}, headers)
    assert body["data"]["enterprise"]["riskAssessment"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["enterprise", "riskAssessment"]


@pytest.fixture
def following(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> Iterator[Gateway]:
    """A gateway served as `serve` runs it, reassessing changed enterprises in the background
    (started after the archive was emptied: it must not race the truncation)."""
    settings = Settings.from_env({
        "DATABASE_URL": database_url, "GATEWAY_SYNC": "false",
        "GATEWAY_DATA_DIR": str(tmp_path / "data"), "GATEWAY_RISK_FOLLOW": "true",
        "GATEWAY_EVENTS_RETENTION_DAYS": "0",
    })
    for url in serve_gateway(settings):
        yield Gateway(url, settings)


async def test_the_served_gateway_reassesses_a_changed_enterprise(
    following: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = code(51)
    await put_record(clean_archive, registration(uscc, "汕头市跟随贸易有限公司"))
    assert await _class_soon(clean_archive, uscc, "A")
    await put_record(clean_archive, penalty(uscc, "汕市监罚〔2026〕51号", local_date(utcnow())))
    assert await _class_soon(clean_archive, uscc, "C")


async def _class_soon(pool: asyncpg.Pool[Any], uscc: str, expected: str) -> bool:
    """Whether the enterprise's class becomes `expected` within a minute (other sessions on
    the server can hold the change feed back while they write)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = await pool.fetchval("SELECT risk_class FROM risk_assessments WHERE uscc = $1",
                                    uscc)
        if found == expected:
            return True
        await asyncio.sleep(0.1)
    return False
