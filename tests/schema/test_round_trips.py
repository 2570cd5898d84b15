"""The number of SQL statements a query costs must not grow with the data (no N+1)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.app import build_app
from gateway.services import Services
from tests.archive.rows import code, inspection, licence, penalty, put_record, registration
from tests.schema.conftest import PROFILE_FIELDS, PROFILE_QUERY, graphql

PAGE_QUERY = f"""query($first: Int, $after: String) {{
  enterprises(first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {PROFILE_FIELDS} }} }}
  }}
}}"""


# asyncpg resets a pool connection on release with one statement of its own; that is pool
# housekeeping, one per query whatever the query, so it is left out of the counts.
POOL_RESET = "SELECT pg_advisory_unlock_all()"


@dataclasses.dataclass
class Counted:
    client: httpx.AsyncClient
    statements: list[str]

    async def count(self, query: str, variables: dict[str, Any]) -> int:
        """Statements run by one request (which must succeed)."""
        self.statements.clear()
        body = await graphql(self.client, query, variables)
        assert "errors" not in body, body
        await asyncio.sleep(0)  # asyncpg calls query loggers soon after the query
        return len([s for s in self.statements if not s.startswith(POOL_RESET)])


@pytest.fixture
async def counted(services: Services, database_url: str) -> AsyncIterator[Counted]:
    statements: list[str] = []

    def log(query: Any) -> None:
        statements.append(query.query)

    async def init(conn: asyncpg.Connection[Any]) -> None:
        conn.add_query_logger(log)

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=init)
    assert pool is not None
    counting = dataclasses.replace(services, pool=pool)
    transport = httpx.ASGITransport(app=build_app(counting))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield Counted(client, statements)
    await pool.close()


async def _enterprise_with(pool: asyncpg.Pool[Any], n: int, records: int) -> str:
    uscc = code(n)
    await put_record(pool, registration(uscc, f"企业{n}"))
    day = dt.date(2020, 1, 1)
    for i in range(records - 1):
        match i % 3:
            case 0:
                record: Any = inspection(uscc, f"I{i}", day + dt.timedelta(days=i))
            case 1:
                record = penalty(uscc, f"汕市监罚〔2025〕{i}号", day + dt.timedelta(days=i))
            case _:
                record = licence(uscc, f"SC{i:014d}", day + dt.timedelta(days=i))
        await put_record(pool, record)
    return uscc


async def test_profile_costs_the_same_for_1_and_200_records(
    clean_archive: asyncpg.Pool[Any], counted: Counted,
) -> None:
    small = await _enterprise_with(clean_archive, 1, 1)
    large = await _enterprise_with(clean_archive, 2, 200)
    await counted.count(PROFILE_QUERY, {"uscc": small})  # warm up statement caches
    small_count = await counted.count(PROFILE_QUERY, {"uscc": small})
    large_count = await counted.count(PROFILE_QUERY, {"uscc": large})
    # The profile, and the freshness and the risk assessment the query selects.
    assert small_count == large_count == 3


async def test_profile_without_freshness_is_one_statement(
    clean_archive: asyncpg.Pool[Any], counted: Counted,
) -> None:
    uscc = await _enterprise_with(clean_archive, 1, 20)
    query = "query($u: USCC!) { enterprise(uscc: $u) { name penalties { id severity } } }"
    assert await counted.count(query, {"u": uscc}) == 1


async def test_a_page_costs_the_same_for_1_and_20_nodes(
    clean_archive: asyncpg.Pool[Any], counted: Counted,
) -> None:
    for n in range(1, 22):
        await _enterprise_with(clean_archive, n, 1 + n % 7)
    one = await counted.count(PAGE_QUERY, {"first": 1})
    twenty = await counted.count(PAGE_QUERY, {"first": 20})
    # The page, its profiles, their freshness, their risk assessments and the total count.
    assert one == twenty == 5
