"""Pooled connections: the session settings every one of them has."""

from __future__ import annotations

from gateway.database import create_pool


async def test_pooled_connections_never_compile_statements(database_url: str) -> None:
    pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        for _ in range(2):  # the second time after the pool's reset (RESET ALL) of the first
            async with pool.acquire() as conn:
                assert await conn.fetchval("SHOW jit") == "off"
                await conn.execute("SET jit = on")
    finally:
        await pool.close()


async def test_without_the_session_reset_a_connection_comes_back_after_its_statements_only(
    database_url: str,
) -> None:
    sent: list[str] = []

    pool = await create_pool(database_url, min_size=1, max_size=1, session_reset=False)
    try:
        async with pool.acquire() as conn:
            conn.add_query_logger(lambda q: sent.append(q.query))
            await conn.fetchval("SELECT 1")
        async with pool.acquire() as conn:
            await conn.fetchval("SELECT 2")
    finally:
        await pool.close()
    assert sent == ["SELECT 1", "SELECT 2"]


async def test_without_the_session_reset_a_transaction_left_open_is_still_rolled_back(
    database_url: str,
) -> None:
    pool = await create_pool(database_url, min_size=1, max_size=1, session_reset=False)
    try:
        async with pool.acquire() as conn:
            await conn.execute("BEGIN; SET LOCAL application_name = 'left open'")
        async with pool.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SHOW application_name") != "left open"
    finally:
        await pool.close()
