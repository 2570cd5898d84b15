"""auditTrail: one enterprise's rows, newest first, within a time window; for holders of
audit:read only, with clear errors for bad arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
import strawberry
from starlette.requests import Request
from starlette.responses import Response
from strawberry.schema.config import StrawberryConfig

from auth.principal import PUBLIC, Principal
from auth.roles import ROLE_SCOPES, Role
from gateway.audit.trail import _TRAIL as TRAIL_QUERY
from gateway.audit.trail import InvalidTrailQuery, audit_trail
from gateway.audit.writer import AuditWriter
from gateway.services import Services
from gateway.settings import Settings
from schema.audit.queries import AuditQuery
from schema.context import Context
from schema.enterprise.loaders import EnterpriseLoaders
from schema.errors import ErrorCodes
from schema.scalars import SCALAR_MAP
from tests.archive.rows import code
from tests.audit.conftest import AT, entry

A, B = code(1), code(2)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
async def trail_pool(audit_pool: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """Four rows: 1 (A) at AT, 2 (A, B) an hour later, 3 (B) two hours, 4 (A) three hours."""
    writer = AuditWriter(audit_pool)
    await writer.start()
    try:
        for n, codes in enumerate([(A,), (A, B), (B,), (A,)], start=1):
            await writer.append(entry(n, at=AT + (n - 1) * HOUR, usccs=codes))
    finally:
        await writer.aclose()
    return audit_pool


async def seqs(pool: asyncpg.Pool[Any], uscc: str, since: dt.datetime | None = None,
               until: dt.datetime | None = None, first: int = 100) -> list[int]:
    async with pool.acquire() as conn:
        return [e.seq for e in await audit_trail(conn, uscc, since, until, first)]


async def test_the_trail_is_one_enterprises_rows_newest_first(
    trail_pool: asyncpg.Pool[Any],
) -> None:
    assert await seqs(trail_pool, A) == [4, 2, 1]
    assert await seqs(trail_pool, B) == [3, 2]
    assert await seqs(trail_pool, code(3)) == []
    assert await seqs(trail_pool, A[:-1]) == []  # whole codes only, no prefixes


async def test_the_trail_keeps_since_and_drops_until(trail_pool: asyncpg.Pool[Any]) -> None:
    assert await seqs(trail_pool, A, since=AT + HOUR) == [4, 2]
    assert await seqs(trail_pool, A, until=AT + 3 * HOUR) == [2, 1]
    assert await seqs(trail_pool, A, since=AT + HOUR, until=AT + 2 * HOUR) == [2]
    assert await seqs(trail_pool, A, since=AT + HOUR, until=AT + HOUR) == []
    assert await seqs(trail_pool, A, first=2) == [4, 2]


async def test_the_trail_returns_the_rows_as_written(trail_pool: asyncpg.Pool[Any]) -> None:
    async with trail_pool.acquire() as conn:
        (event,) = await audit_trail(conn, B, None, AT + 2 * HOUR, 10)
    assert (event.seq, event.entry) == (2, entry(2, at=AT + HOUR, usccs=(A, B)))


async def test_the_trail_is_found_through_the_code_index(trail_pool: asyncpg.Pool[Any]) -> None:
    async with trail_pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        lines = await conn.fetch("EXPLAIN " + TRAIL_QUERY, A, None, None, 10)
    assert "audit_log_by_uscc" in "\n".join(line[0] for line in lines)


@pytest.mark.parametrize(
    ("since", "until", "first", "message"),
    [
        (None, None, 0, "first"),
        (None, None, 501, "first"),
        (AT + HOUR, AT, 10, "since"),
        (dt.datetime(2026, 1, 1), None, 10, "time zone"),
        (None, dt.datetime(2026, 1, 1), 10, "time zone"),
    ],
)
async def test_bad_windows_are_refused(
    trail_pool: asyncpg.Pool[Any], since: dt.datetime | None, until: dt.datetime | None,
    first: int, message: str,
) -> None:
    with pytest.raises(InvalidTrailQuery, match=message):
        await seqs(trail_pool, A, since, until, first)


@strawberry.type
class Query(AuditQuery):
    pass


SCHEMA = strawberry.Schema(
    query=Query, config=StrawberryConfig(scalar_map=SCALAR_MAP), extensions=[ErrorCodes]
)
QUERY = """
query($u: USCC!, $since: DateTime, $until: DateTime, $first: Int) {
  auditTrail(uscc: $u, since: $since, until: $until, first: $first) {
    seq at clientId role purpose operation usccs fieldGroups verdicts requestId clientAddress
  }
}
"""
SUPERVISOR = Principal(role=Role.SUPERVISOR, scopes=ROLE_SCOPES[Role.SUPERVISOR])


def context(pool: asyncpg.Pool[Any], principal: Principal) -> Context:
    settings = Settings.from_env({"DATABASE_URL": "postgresql://unused/x", "GATEWAY_SYNC": "false"})
    services = Services(settings=settings, pool=pool, sources=None, refresher=None)
    request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []})
    return Context(services=services, request=request, response=Response(),
                   loaders=EnterpriseLoaders(services), today=dt.date(2026, 3, 2),
                   request_id="test", principal=principal)


async def ask(pool: asyncpg.Pool[Any], principal: Principal, **variables: Any) -> Any:
    variables.setdefault("u", A)
    return await SCHEMA.execute(QUERY, variable_values=variables,
                                context_value=context(pool, principal))


async def test_a_supervisor_reads_the_trail(trail_pool: asyncpg.Pool[Any]) -> None:
    result = await ask(trail_pool, SUPERVISOR, since="2026-03-02T18:30:00+08:00", first=1)
    assert result.errors is None
    assert result.data == {"auditTrail": [{
        "seq": "4", "at": "2026-03-02T12:30:00+00:00", "clientId": "procurement-portal",
        "role": "procurement", "purpose": "政府采购资格审查", "operation": "Check",
        "usccs": [A], "fieldGroups": ["publicity"], "verdicts": ["PASS"],
        "requestId": "req-000004", "clientAddress": "10.0.0.7",
    }]}


async def test_null_first_means_a_hundred(trail_pool: asyncpg.Pool[Any]) -> None:
    result = await ask(trail_pool, SUPERVISOR, first=None)
    assert result.errors is None
    assert [e["seq"] for e in result.data["auditTrail"]] == ["4", "2", "1"]


@pytest.mark.parametrize(
    "principal",
    [PUBLIC, Principal(role=Role.PARTNER, scopes=ROLE_SCOPES[Role.PARTNER], client_id="p")],
)
async def test_without_audit_read_the_trail_is_forbidden(
    trail_pool: asyncpg.Pool[Any], principal: Principal
) -> None:
    result = await ask(trail_pool, principal)
    assert result.data is None
    (error,) = result.errors
    assert error.extensions["code"] == "FORBIDDEN"
    assert "audit:read" in error.message


@pytest.mark.parametrize(
    ("variables", "code_", "message"),
    [
        ({"first": 0}, "BAD_USER_INPUT", "first"),
        ({"first": 501}, "BAD_USER_INPUT", "first"),
        ({"since": "2026-03-02T10:00:00Z", "until": "2026-03-02T09:00:00Z"}, "BAD_USER_INPUT",
         "since"),
        ({"since": "2026-03-02T10:00:00"}, "BAD_USER_INPUT", "offset"),
        ({"u": "91440507MAPD74NW1X"}, "INVALID_USCC", "USCC"),
    ],
)
async def test_bad_arguments_are_refused_with_a_code(
    trail_pool: asyncpg.Pool[Any], variables: dict[str, Any], code_: str, message: str
) -> None:
    result = await ask(trail_pool, SUPERVISOR, **variables)
    assert result.data is None
    (error,) = result.errors
    assert error.extensions["code"] == code_
    assert message in error.message
