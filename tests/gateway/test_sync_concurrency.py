"""Batches of different sources committed at once: tags stay exact and nothing deadlocks."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg

from adapters.base import RawRow
from adapters.config import SourceConfig
from adapters.mapping import Mapper
from gateway.keyareas import DEFAULT_RULES
from gateway.sync import MappedBatch, ingest, map_batch
from tests.gateway.exchange import T0, code, enterprise_row, write_config

_REGISTRATION_COLUMNS = (
    "nbxh", "tyshxydm", "qymc", "cym", "djzt", "xzqh", "hydm", "zczb", "clrq", "gxsj"
)
_TAGS_LOCK = "SELECT pg_advisory_xact_lock(hashtext('credit-gateway key-area tags'))"


def _registration(source: SourceConfig, **changes: Any) -> MappedBatch:
    data = dict(zip(_REGISTRATION_COLUMNS, enterprise_row(1, **changes), strict=True))
    return map_batch(Mapper(source), [RawRow("enterprises", "row 1", data)], None)


def _food_licence(source: SourceConfig) -> MappedBatch:
    data = {
        "xkid": "L1",
        "tyshxydm": code(1),
        "xkzbh": "SC10644050700123",
        "xkzmc": "食品生产许可证",
        "fzjg": "汕头市市场监督管理局",
        "zt": "有效",
        "gxsj": T0,
    }
    return map_batch(Mapper(source), [RawRow("licences", "row L1", data)], None)


async def _waits_for_tags_lock(pool: asyncpg.Pool[Any], pid: int) -> None:
    """Return once backend `pid` waits for the key-area tags' advisory lock."""
    for _ in range(1000):
        waiting = await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory'"
            " AND NOT granted",
            pid,
        )
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited for the tags lock")


async def test_a_registration_and_a_licence_of_one_enterprise_at_once(
    clean_archive: asyncpg.Pool[Any], tmp_path: Path
) -> None:
    """The licence batch holds the tags lock and updates the enterprise row; the registration
    batch, which rewrites that row, must not hold it while waiting for the lock (deadlock)."""
    _, config = write_config(tmp_path, "postgresql://unused")
    source = config.sources[0]
    async with clean_archive.acquire() as conn:
        await ingest(conn, source, _registration(source), DEFAULT_RULES)
    renamed = _registration(source, qymc="汕头市新名玩具有限公司", gxsj=T0 + dt.timedelta(days=1))
    async with (
        clean_archive.acquire() as holder,
        clean_archive.acquire() as licensing,
        clean_archive.acquire() as registration,
    ):
        async with holder.transaction():
            await holder.execute(_TAGS_LOCK)
            licence = asyncio.create_task(
                ingest(licensing, source, _food_licence(source), DEFAULT_RULES)
            )
            await _waits_for_tags_lock(clean_archive, licensing.get_server_pid())
            rename = asyncio.create_task(ingest(registration, source, renamed, DEFAULT_RULES))
            await _waits_for_tags_lock(clean_archive, registration.get_server_pid())
        # The lock goes to the licence batch first, which then updates the enterprise's areas.
        await asyncio.wait_for(asyncio.gather(licence, rename), timeout=30)
    row = await clean_archive.fetchrow("SELECT name, key_areas FROM enterprises")
    assert row is not None
    assert (row["name"], row["key_areas"]) == ("汕头市新名玩具有限公司", ["FOOD_PRODUCTION"])
    changes = await clean_archive.fetchval("SELECT count(*) FROM key_area_tag_changes")
    assert changes == 1
