"""Key-area tags as sync batches derive them: from industry codes and licences, whichever of an
enterprise's registration and licences arrives first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg

from adapters.base import RawRow
from adapters.config import SourceConfig
from adapters.mapping import Mapper
from gateway.keyareas import DEFAULT_RULES
from gateway.sync import ingest, map_batch
from tests.gateway.exchange import T0, code, enterprise_row, write_config

_COLUMNS = ("nbxh", "tyshxydm", "qymc", "cym", "djzt", "xzqh", "hydm", "zczb", "clrq", "gxsj")


def _registrations(*rows: tuple[Any, ...]) -> list[RawRow]:
    return [
        RawRow("enterprises", f"row {row[0]}", dict(zip(_COLUMNS, row, strict=True)))
        for row in rows
    ]


def _food_licence(holder: str) -> RawRow:
    data = {
        "xkid": "L1", "tyshxydm": holder, "xkzbh": "SC10644050700123", "xkzmc": "食品生产许可证",
        "fzjg": "汕头市市场监督管理局", "zt": "有效", "gxsj": T0,
    }
    return RawRow("licences", "row L1", data)


async def _ingest(pool: asyncpg.Pool[Any], source: SourceConfig, rows: list[RawRow]) -> None:
    async with pool.acquire() as conn:
        await ingest(conn, source, map_batch(Mapper(source), rows, None), DEFAULT_RULES)


async def _state(pool: asyncpg.Pool[Any]) -> dict[str, Any]:
    areas = {r["uscc"]: r["key_areas"] for r in await pool.fetch("SELECT * FROM enterprises")}
    tags = await pool.fetch("SELECT uscc, key_area, origin FROM key_area_tags ORDER BY 1, 2, 3")
    changes = await pool.fetch(
        "SELECT uscc, key_area, change FROM key_area_tag_changes ORDER BY id"
    )
    return {
        "areas": areas,
        "tags": [tuple(t) for t in tags],
        "changes": [tuple(c) for c in changes],
    }


async def test_industry_codes_tag_registered_enterprises(
    clean_archive: asyncpg.Pool[Any], tmp_path: Path
) -> None:
    _, config = write_config(tmp_path, "postgresql://unused")
    source = config.sources[0]
    await _ingest(clean_archive, source, _registrations(
        enterprise_row(1, hydm="C1491"), enterprise_row(2, hydm="C2451"), enterprise_row(3, hydm=None)
    ))
    assert await _state(clean_archive) == {
        "areas": {code(1): ["FOOD_PRODUCTION"], code(2): [], code(3): []},
        "tags": [(code(1), "FOOD_PRODUCTION", "industry")],
        "changes": [(code(1), "FOOD_PRODUCTION", "ADDED")],
    }
    reason = await clean_archive.fetchval("SELECT reason FROM key_area_tags")
    assert reason == "行业代码 C14 食品制造业"


async def test_a_licence_read_before_its_holder_is_registered(
    clean_archive: asyncpg.Pool[Any], tmp_path: Path
) -> None:
    _, config = write_config(tmp_path, "postgresql://unused")
    source = config.sources[0]
    holder = code(3)
    await _ingest(clean_archive, source, [_food_licence(holder)])
    state = await _state(clean_archive)
    assert state["areas"] == {}  # tagged, but not in the index yet
    assert [t[:2] for t in state["tags"]] == [(holder, "FOOD_PRODUCTION")]
    await _ingest(clean_archive, source, _registrations(enterprise_row(3, hydm="C3411")))
    state = await _state(clean_archive)
    assert state["areas"] == {holder: ["FOOD_PRODUCTION", "SPECIAL_EQUIPMENT_PRODUCTION"]}
    later = T0 + dt.timedelta(days=1)
    await _ingest(clean_archive, source, _registrations(enterprise_row(3, hydm="C2451", gxsj=later)))
    state = await _state(clean_archive)
    assert state["areas"] == {holder: ["FOOD_PRODUCTION"]}
    assert state["changes"] == [
        (holder, "FOOD_PRODUCTION", "ADDED"),
        (holder, "SPECIAL_EQUIPMENT_PRODUCTION", "ADDED"),
        (holder, "SPECIAL_EQUIPMENT_PRODUCTION", "REMOVED"),
    ]


async def test_a_new_enterprise_starts_with_its_industry_areas(
    clean_archive: asyncpg.Pool[Any], tmp_path: Path
) -> None:
    """Its row is written once: the tag refresh finds the areas already right."""
    _, config = write_config(tmp_path, "postgresql://unused")
    source = config.sources[0]
    batch = map_batch(Mapper(source), _registrations(enterprise_row(1, hydm="C1491")), None)
    updated = "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relid = 'enterprises'::regclass"
    async with clean_archive.acquire() as conn, conn.transaction():
        before = await conn.fetchval(updated)  # may count earlier transactions not yet flushed
        await ingest(conn, source, batch, DEFAULT_RULES)
        updates = await conn.fetchval(updated) - before
        areas = await conn.fetchval("SELECT key_areas FROM enterprises")
    assert (areas, updates) == (["FOOD_PRODUCTION"], 0)
