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
