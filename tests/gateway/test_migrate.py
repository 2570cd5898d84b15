"""Migrations: applied once, in one transaction, even with concurrent starters."""

from __future__ import annotations

import asyncio

import asyncpg

from gateway.migrate import available, migrate


async def test_fresh_database_gets_every_migration(new_database: str) -> None:
    conn = await asyncpg.connect(new_database)
    try:
        applied = await migrate(conn)
        assert applied == [m.name for m in available()]
        assert await migrate(conn) == []
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(applied)
    finally:
        await conn.close()


async def test_concurrent_starters_apply_each_migration_once(new_database: str) -> None:
    conns = [await asyncpg.connect(new_database) for _ in range(4)]
    try:
        results = await asyncio.gather(*(migrate(c) for c in conns))
        applied = [name for result in results for name in result]
        assert sorted(applied) == sorted(m.name for m in available())
        rows = await conns[0].fetch("SELECT version, count(*) FROM schema_migrations GROUP BY 1")
        assert all(r["count"] == 1 for r in rows)
    finally:
        for c in conns:
            await c.close()


async def test_failed_migration_leaves_nothing_half_applied(new_database: str) -> None:
    conn = await asyncpg.connect(new_database)
    try:
        await conn.execute("CREATE TABLE records (id int)")  # makes 0001 fail part-way
        try:
            await migrate(conn)
        except asyncpg.DuplicateTableError:
            pass
        else:
            raise AssertionError("migration should have failed")
        assert await conn.fetchval("SELECT to_regclass('sources')") is None
        assert await conn.fetchval("SELECT to_regclass('schema_migrations')") is None
    finally:
        await conn.close()
