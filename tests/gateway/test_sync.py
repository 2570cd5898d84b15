"""Sync from a real exchange database into the archive: versions, quarantine, tags, cursors."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.archive import store
from gateway.archive.grams import name_grams
from gateway.keyareas import DEFAULT_RULES
from gateway.sync import sync_all, sync_source
from tests.gateway.exchange import T0, add_food_licence, code, create_exchange, write_config


async def _counts(pool: asyncpg.Pool[Any]) -> dict[str, int]:
    row = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM records) AS records,"
        " (SELECT count(*) FROM record_versions) AS versions,"
        " (SELECT count(*) FROM enterprises) AS enterprises,"
        " (SELECT count(*) FROM quarantine) AS quarantine"
    )
    assert row is not None
    return dict(row)


async def test_sync_archives_records_with_provenance_and_quarantine(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=1200, bad=3)
    _, config = write_config(tmp_path, new_database, batch_size=500)
    source = config.sources[0]
    report = await sync_source(clean_archive, source, DEFAULT_RULES)
    assert report.error is None and report.rows == 1203 and report.batches == 3
    assert report.result.inserted == 1200 and report.result.quarantined == 3
    assert await _counts(clean_archive) == {
        "records": 1200,
        "versions": 1200,
        "enterprises": 1200,
        "quarantine": 3,
    }
    row = await clean_archive.fetchrow(
        "SELECT source, department, record_id, source_updated_at, payload FROM records"
        " WHERE uscc = $1",
        code(7),
    )
    assert row is not None
    assert (row["source"], row["department"], row["record_id"]) == (
        "registration",
        "登记注册科",
        "7",
    )
    assert row["source_updated_at"] == T0
    assert row["payload"]["registered_capital"] == "1000000"
    reasons = await clean_archive.fetch("SELECT position, reason FROM quarantine ORDER BY id")
    assert all("USCC" in r["reason"] for r in reasons)
    assert [r["position"] for r in reasons] == [f"djzc_qyjbxx id={i}" for i in (1201, 1202, 1203)]
    status = await clean_archive.fetchrow("SELECT * FROM sources WHERE name = 'registration'")
    assert status is not None
    assert status["record_count"] == 1200 and status["quarantine_count"] == 3
    assert status["last_success_at"] is not None and status["last_error"] is None


async def test_resync_of_unchanged_data_changes_nothing(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=50, bad=1)
    _, config = write_config(tmp_path, new_database)
    source = config.sources[0]
    await sync_source(clean_archive, source, DEFAULT_RULES)
    before = await _counts(clean_archive)
    await clean_archive.execute("UPDATE sources SET cursor = '{}'")  # read everything again
    report = await sync_source(clean_archive, source, DEFAULT_RULES)
    assert report.rows == 51
    assert (report.result.inserted, report.result.updated, report.result.quarantined) == (0, 0, 0)
    assert report.result.unchanged == 50
    assert await _counts(clean_archive) == before


async def test_changed_record_gets_a_new_version_and_history_is_kept(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=10)
    _, config = write_config(tmp_path, new_database)
    source = config.sources[0]
    await sync_source(clean_archive, source, DEFAULT_RULES)
    exchange = await asyncpg.connect(new_database)
    try:
        await exchange.execute(
            "UPDATE djzc_qyjbxx SET qymc = '汕头市澄海区新名玩具有限公司', cym = qymc,"
            " djzt = '吊销', gxsj = $1 WHERE nbxh = 3",
            T0 + dt.timedelta(days=30),
        )
    finally:
        await exchange.close()
    report = await sync_source(clean_archive, source, DEFAULT_RULES)
    assert (report.rows, report.result.updated, report.result.inserted) == (1, 1, 0)
    versions = await clean_archive.fetch(
        "SELECT version, payload->>'name' AS name FROM record_versions WHERE uscc = $1"
        " ORDER BY version",
        code(3),
    )
    assert [(v["version"], v["name"]) for v in versions] == [
        (1, "汕头市龙湖区测试3玩具有限公司"),
        (2, "汕头市澄海区新名玩具有限公司"),
    ]
    enterprise = await clean_archive.fetchrow("SELECT * FROM enterprises WHERE uscc = $1", code(3))
    assert enterprise is not None
    assert enterprise["status"] == "REVOKED"
    assert enterprise["former_names"] == ["汕头市龙湖区测试3玩具有限公司"]
    found = await clean_archive.fetchval(
        "SELECT count(*) FROM enterprises WHERE name_grams @> $1", sorted(name_grams("测试3玩"))
    )
    assert found == 1  # the former name is still searchable


async def test_licence_moves_key_area_tag_and_history_keeps_reasons(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=3)
    _, config = write_config(tmp_path, new_database)
    source = config.sources[0]
    exchange = await asyncpg.connect(new_database)
    try:
        await add_food_licence(exchange, code(2), T0)
        await sync_source(clean_archive, source, DEFAULT_RULES)
        areas = await clean_archive.fetchval(
            "SELECT key_areas FROM enterprises WHERE uscc = $1", code(2)
        )
        assert areas == ["FOOD_PRODUCTION"]
        licence = await clean_archive.fetchval(
            "SELECT payload->>'status' FROM records WHERE record_id = 'L1'"
        )
        assert licence == "VALID"
        await exchange.execute(
            "UPDATE xzsp_xkxx SET zt = '吊销', gxsj = $1 WHERE xkid = 'L1'",
            T0 + dt.timedelta(days=1),
        )
    finally:
        await exchange.close()
    await sync_source(clean_archive, source, DEFAULT_RULES)
    areas = await clean_archive.fetchval(
        "SELECT key_areas FROM enterprises WHERE uscc = $1", code(2)
    )
    assert areas == []
    history = await clean_archive.fetch(
        "SELECT key_area, change, reason FROM key_area_tag_changes WHERE uscc = $1 ORDER BY id",
        code(2),
    )
    assert [(h["key_area"], h["change"]) for h in history] == [
        ("FOOD_PRODUCTION", "ADDED"),
        ("FOOD_PRODUCTION", "REMOVED"),
    ]
    assert "SC10644050700123" in history[0]["reason"]


async def test_unreachable_source_is_recorded_and_keeps_last_success(
    clean_archive: asyncpg.Pool[Any], tmp_path: Path
) -> None:
    _, config = write_config(tmp_path, "postgresql://postgres@127.0.0.1:1/none")
    report = await sync_source(clean_archive, config.sources[0], DEFAULT_RULES)
    assert report.error is not None and report.rows == 0
    status = await clean_archive.fetchrow("SELECT * FROM sources WHERE name = 'registration'")
    assert status is not None
    assert status["last_error"] and status["last_success_at"] is None


async def test_two_concurrent_syncs_of_one_source_do_not_both_run(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=2000)
    _, config = write_config(tmp_path, new_database, batch_size=100)
    source = config.sources[0]
    reports = await asyncio.gather(
        *(sync_source(clean_archive, source, DEFAULT_RULES) for _ in range(2))
    )
    assert sorted(r.skipped for r in reports) == [False, True]
    assert (await _counts(clean_archive))["records"] == 2000


def test_rows_no_rule_foresaw_are_quarantined(tmp_path: Path) -> None:
    from adapters.base import RawRow
    from adapters.mapping import Mapper
    from gateway.sync import map_rows
    from tests.gateway.exchange import enterprise_row

    _, config = write_config(tmp_path, "postgresql://unused")
    columns = ("nbxh", "tyshxydm", "qymc", "cym", "djzt", "xzqh", "hydm", "zczb", "clrq", "gxsj")
    good = dict(zip(columns, enterprise_row(1), strict=True))
    surrogate = {**good, "nbxh": 2, "qymc": "汕头\ud800公司"}
    good_rows, bad = map_rows(Mapper(config.sources[0]), [
        RawRow("enterprises", "row 1", good), RawRow("enterprises", "row 2", surrogate),
    ])
    assert len(good_rows) == 1
    assert [b.position for b in bad] == ["row 2"]


async def test_quarantine_stores_rows_utf8_cannot_hold(clean_archive: asyncpg.Pool[Any]) -> None:
    import datetime as dt

    from adapters.mapping import Quarantined
    from gateway.archive.store import write_quarantine

    entry = Quarantined("enterprises", "row 9", "unexpected value", {"qymc": "汕头\ud800公司"})
    async with clean_archive.acquire() as conn:
        assert await write_quarantine(conn, "registration", [entry], dt.datetime.now(dt.UTC)) == 1
    assert await clean_archive.fetchval("SELECT raw->>'qymc' FROM quarantine") == "汕头?公司"


async def test_record_moving_to_another_code_updates_both_enterprises(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=3)
    _, config = write_config(tmp_path, new_database)
    source = config.sources[0]
    exchange = await asyncpg.connect(new_database)
    try:
        await add_food_licence(exchange, code(1), T0)
        await sync_source(clean_archive, source, DEFAULT_RULES)
        # The source corrects both the licence holder and the registration's code.
        later = T0 + dt.timedelta(days=1)
        await exchange.execute("UPDATE xzsp_xkxx SET tyshxydm = $1, gxsj = $2", code(2), later)
        await exchange.execute("UPDATE djzc_qyjbxx SET tyshxydm = $1, gxsj = $2 WHERE nbxh = 3", code(9), later)
    finally:
        await exchange.close()
    await sync_source(clean_archive, source, DEFAULT_RULES)
    areas = dict(await clean_archive.fetch("SELECT uscc, key_areas FROM enterprises"))
    assert areas[code(1)] == [] and areas[code(2)] == ["FOOD_PRODUCTION"]
    assert code(3) not in areas and code(9) in areas  # the old code has no registration left
    assert await clean_archive.fetchval("SELECT count(*) FROM key_area_tags") == 1


async def test_older_version_never_overwrites_a_newer_one(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    from adapters.mapping import Mapper
    from gateway.sync import ingest, map_batch
    from tests.gateway.exchange import enterprise_row

    _, config = write_config(tmp_path, new_database)
    source = config.sources[0]
    columns = ("nbxh", "tyshxydm", "qymc", "cym", "djzt", "xzqh", "hydm", "zczb", "clrq", "gxsj")
    newer = dict(zip(columns, enterprise_row(1, qymc="新名称有限公司", gxsj=T0 + dt.timedelta(days=2)), strict=True))
    older = dict(zip(columns, enterprise_row(1, qymc="旧名称有限公司", gxsj=T0), strict=True))
    from adapters.base import RawRow

    mapper = Mapper(source)
    async with clean_archive.acquire() as conn:
        for data in (newer, older):
            batch = map_batch(mapper, [RawRow("enterprises", "row 1", data)], None)
            await ingest(conn, source, batch, DEFAULT_RULES)
    assert await clean_archive.fetchval("SELECT payload->>'name' FROM records") == "新名称有限公司"
    assert await clean_archive.fetchval("SELECT count(*) FROM record_versions") == 1


async def _estimated_records(pool: asyncpg.Pool[Any]) -> float:
    estimate: float = await pool.fetchval(
        "SELECT reltuples FROM pg_class WHERE oid = 'records'::regclass")
    return estimate


async def test_a_first_load_refreshes_the_archive_statistics(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    assert await _estimated_records(clean_archive) == -1  # emptied: never analyzed since
    await create_exchange(new_database, enterprises=300, bad=0)
    _, config = write_config(tmp_path, new_database, batch_size=100)
    [report] = await sync_all(clean_archive, config, DEFAULT_RULES)
    assert report.error is None and report.result.inserted == 300
    assert await _estimated_records(clean_archive) == 300


async def test_statistics_are_refreshed_only_after_a_large_share_changed(
    clean_archive: asyncpg.Pool[Any], new_database: str, tmp_path: Path
) -> None:
    await create_exchange(new_database, enterprises=1000, bad=0)
    _, config = write_config(tmp_path, new_database)
    await sync_all(clean_archive, config, DEFAULT_RULES)  # analyzed: 1,000 records known
    async with clean_archive.acquire() as conn:
        assert not await store.refresh_statistics(conn, 0)
        assert not await store.refresh_statistics(conn, 150)  # 50 + a tenth of 1,000
        assert await store.refresh_statistics(conn, 151)


async def test_a_failed_analyze_is_logged_and_the_sync_goes_on(
    clean_archive: asyncpg.Pool[Any], caplog: pytest.LogCaptureFixture
) -> None:
    async with clean_archive.acquire() as holder, holder.transaction():
        await holder.execute("LOCK TABLE records IN SHARE UPDATE EXCLUSIVE MODE")
        async with clean_archive.acquire() as conn:
            await conn.execute("SET lock_timeout = '50ms'")
            with caplog.at_level(logging.WARNING):
                assert not await store.refresh_statistics(conn, 1_000_000)
            await conn.execute("RESET lock_timeout")
    assert "not refreshed" in caplog.text
