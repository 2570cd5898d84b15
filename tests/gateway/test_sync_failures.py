"""A sync whose write or read fails mid-way ends, reports why and keeps what it committed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from adapters.base import Batch, Cursor, RawRow
from gateway.database import create_pool
from gateway.keyareas import DEFAULT_RULES
from gateway.migrate import migrate
from gateway.sync import sync_source
from tests.gateway.exchange import enterprise_row, write_config

COLUMNS = ("nbxh", "tyshxydm", "qymc", "cym", "djzt", "xzqh", "hydm", "zczb", "clrq", "gxsj")


class ScriptedSource:
    """A source system that yields ten batches of good rows and runs `between` after the
    first one was committed (the writer has taken the second from the queue by then)."""

    def __init__(self, between: Any) -> None:
        self.between = between

    async def changes(self, cursor: Cursor) -> AsyncIterator[Batch]:
        for b in range(10):
            rows = [
                RawRow("enterprises", f"row {i}", dict(zip(COLUMNS, enterprise_row(i), strict=True)))
                for i in range(b * 50 + 1, b * 50 + 51)
            ]
            yield Batch(rows, {"batch": b})
            if b == 2:
                await self.between()

    async def fetch(self, usccs: Sequence[str]) -> list[RawRow]:
        return []

    async def aclose(self) -> None:
        return None


async def _archive(database: str) -> asyncpg.Pool[Any]:
    conn = await asyncpg.connect(database)
    await migrate(conn)
    await conn.close()
    return await create_pool(database, min_size=1, max_size=3)


async def test_failing_write_ends_the_sync_and_is_reported(
    new_database: str, tmp_path: Path
) -> None:
    pool = await _archive(new_database)
    _, config = write_config(tmp_path, "postgresql://unused")

    async def break_the_archive() -> None:
        await pool.execute("ALTER TABLE records ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")

    try:
        report = await asyncio.wait_for(
            sync_source(
                pool, config.sources[0], DEFAULT_RULES, connector=ScriptedSource(break_the_archive)
            ),
            timeout=60,
        )
        assert report.error is not None and "refuse_all" in report.error
        status = await pool.fetchrow("SELECT cursor, last_error FROM sources")
        assert status is not None
        assert status["last_error"] == report.error
        committed = await pool.fetchval("SELECT count(*) FROM records")
        # Pages waiting while the writer was busy are joined into one batch, so how many
        # committed before the break depends on timing: what counts is that the archive,
        # the report and the cursor agree, in whole pages.
        assert committed == report.rows and report.rows % 50 == 0
        expected = {"batch": report.rows // 50 - 1} if report.rows else {}
        assert status["cursor"] == expected
        # The lock was released: the next sync runs instead of being skipped.
        await pool.execute("ALTER TABLE records DROP CONSTRAINT refuse_all")

        async def nothing() -> None:
            return None

        again = await sync_source(
            pool, config.sources[0], DEFAULT_RULES, connector=ScriptedSource(nothing)
        )
        assert not again.skipped and again.error is None
        assert await pool.fetchval("SELECT count(*) FROM records") == 500
    finally:
        await pool.close()


async def test_failing_read_keeps_the_committed_batches(new_database: str, tmp_path: Path) -> None:
    pool = await _archive(new_database)
    _, config = write_config(tmp_path, "postgresql://unused")

    async def source_breaks() -> None:
        raise RuntimeError("department system crashed")

    try:
        report = await asyncio.wait_for(
            sync_source(
                pool, config.sources[0], DEFAULT_RULES, connector=ScriptedSource(source_breaks)
            ),
            timeout=60,
        )
        assert report.error is not None and "department system crashed" in report.error
        assert report.rows == 150
        assert await pool.fetchval("SELECT count(*) FROM records") == 150
        assert await pool.fetchval("SELECT cursor FROM sources") == {"batch": 2}
    finally:
        await pool.close()
