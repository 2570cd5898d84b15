"""The postgres connector against real exchange tables in a fresh database."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from adapters.base import Batch, Cursor, SourceUnavailable
from adapters.config import SourceConfig
from adapters.connectors import open_connector
from adapters.connectors.postgres import PostgresConnector, quote_table
from adapters.mapping import Mapped, Mapper
from gateway.records import Registration
from tests.adapters.configs import LICENSE_FIELDS, REGISTRATION_FIELDS, USCC_A, USCC_B, one_source

SCHEMA = """
CREATE TABLE djzc_qyjbxx (
    nbxh bigint PRIMARY KEY, tyshxydm varchar(18), qymc text, fddbr text, zczb numeric(18, 4),
    clrq varchar(8), djzt varchar(10), zs text, hydm text, djjg text, qylx text, cym text,
    xzqh varchar(6), gxsj timestamp
);
CREATE INDEX ON djzc_qyjbxx (gxsj, nbxh);
CREATE SCHEMA xk;
CREATE TABLE xk.xzxk (
    xkzh text PRIMARY KEY, tyshxydm char(18), xkmc text, fzjg text, zt text, zdly text,
    fzrq date, yxqz date, gxsj timestamptz
);
"""

T0 = dt.datetime(2024, 5, 6, 9, 0)


def _enterprise(nbxh: int, minutes: int | None, uscc: str = USCC_A) -> tuple[Any, ...]:
    updated = None if minutes is None else T0 + dt.timedelta(minutes=minutes)
    return (nbxh, uscc, f"企业{nbxh}", "陈伟", Decimal("50.0000"), "20150312", "存续", updated)


async def _insert(conn: asyncpg.Connection[Any], rows: list[tuple[Any, ...]]) -> None:
    await conn.executemany(
        "INSERT INTO djzc_qyjbxx (nbxh, tyshxydm, qymc, fddbr, zczb, clrq, djzt, gxsj) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (nbxh) DO UPDATE SET gxsj = EXCLUDED.gxsj, qymc = EXCLUDED.qymc",
        rows,
    )


@pytest.fixture
async def exchange(new_database: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    conn: asyncpg.Connection[Any] = await asyncpg.connect(new_database)
    await conn.execute(SCHEMA)
    yield conn
    await conn.close()


def _source(tmp_path: Path, dsn: str, batch_size: int = 3, **extra: Any) -> SourceConfig:
    return one_source(tmp_path, {
        **extra,
        "name": "registration", "department": "登记注册", "connector": "postgres",
        "dsn": "${DSN}", "batch_size": batch_size, "timeout": "5s",
        "feed": [
            {"name": "enterprises", "record": "REGISTRATION", "id": "nbxh", "updated": "gxsj",
             "table": "djzc_qyjbxx", "fields": REGISTRATION_FIELDS},
            {"name": "licences", "record": "LICENSE", "id": "xkzh", "updated": "gxsj",
             "table": "xk.xzxk", "fields": LICENSE_FIELDS},
        ],
    }, DSN=dsn)


async def _drain(source: SourceConfig, cursor: Cursor) -> list[Batch]:
    connector = open_connector(source)
    try:
        return [batch async for batch in connector.changes(cursor)]
    finally:
        await connector.aclose()


def _ids(batches: list[Batch]) -> list[Any]:
    return [row.data.get("nbxh", row.data.get("xkzh")) for b in batches for row in b.rows]


async def test_equal_update_times_across_a_batch_boundary_are_all_read(
    exchange: asyncpg.Connection[Any], new_database: str, tmp_path: Path
) -> None:
    # ids 2..5 share one update time and straddle the boundary after the third row
    await _insert(exchange, [_enterprise(1, 0), *(_enterprise(i, 5) for i in (5, 3, 2, 4)),
                             _enterprise(6, 9), _enterprise(7, 9)])
    batches = await _drain(_source(tmp_path, new_database), {})
    assert [len(b.rows) for b in batches] == [3, 3, 1]
    assert _ids(batches) == [1, 2, 3, 4, 5, 6, 7]
    assert batches[0].cursor["enterprises"] == {"updated": "2024-05-06 09:05:00", "id": "3"}
    assert batches[0].rows[0].position == "djzc_qyjbxx id=1"


async def test_a_restart_resumes_after_the_committed_batch(
    exchange: asyncpg.Connection[Any], new_database: str, tmp_path: Path
) -> None:
    await _insert(exchange, [_enterprise(i, i // 2) for i in range(1, 9)])
    source = _source(tmp_path, new_database)
    first = await _drain(source, {})
    assert _ids(first) == list(range(1, 9))
    resumed = await _drain(source, first[0].cursor)
    assert _ids(resumed) == list(range(4, 9))
    assert await _drain(source, first[-1].cursor) == []
    await _insert(exchange, [_enterprise(2, 60), _enterprise(9, 60)])
    later = await _drain(source, first[-1].cursor)
    assert _ids(later) == [2, 9]


async def test_an_overlap_reads_rows_that_committed_late(
    exchange: asyncpg.Connection[Any], new_database: str, tmp_path: Path
) -> None:
    await _insert(exchange, [_enterprise(i, i) for i in range(1, 8)])  # 09:01 .. 09:07
    plain = _source(tmp_path, new_database)
    looking_back = _source(tmp_path, new_database, overlap="3m")
    cursor = (await _drain(plain, {}))[-1].cursor
    # a transaction stamped 09:05 commits only now, after 09:07 was read
    await _insert(exchange, [_enterprise(20, 5)])
    assert await _drain(plain, cursor) == []
    again = await _drain(looking_back, cursor)
    assert _ids(again) == [4, 5, 20, 6, 7]  # from 09:04 on, in (time, id) order
    assert again[-1].cursor["enterprises"] == {"updated": "2024-05-06 09:07:00", "id": "7"}


async def test_rows_without_update_time_are_read_once_then_as_changes(
    exchange: asyncpg.Connection[Any], new_database: str, tmp_path: Path
) -> None:
    await _insert(exchange, [_enterprise(1, 0), _enterprise(2, None), _enterprise(3, None)])
    source = _source(tmp_path, new_database, batch_size=10)
    first = await _drain(source, {})
    assert _ids(first) == [2, 3, 1]
    cursor = first[-1].cursor
    assert cursor["enterprises"]["null_id"] == "3"
    assert await _drain(source, cursor) == []
    await _insert(exchange, [_enterprise(3, 30), _enterprise(4, None)])
    assert _ids(await _drain(source, cursor)) == [4, 3]


async def test_text_ids_and_timestamptz_in_a_schema_qualified_table(
    exchange: asyncpg.Connection[Any], new_database: str, tmp_path: Path
) -> None:
    moment = dt.datetime(2024, 5, 6, 1, 0, tzinfo=dt.UTC)
    await exchange.executemany(
        "INSERT INTO xk.xzxk VALUES ($1, $2, '食品经营许可证', '龙湖区局', '有效', NULL, "
        "'2023-07-01', '2028-06-30', $3)",
        [("JY-10", USCC_B, moment), ("JY-9", USCC_B, moment), ("JY-2", USCC_A, moment)],
    )
    source = _source(tmp_path, new_database, batch_size=2)
    batches = await _drain(source, {})
    assert _ids(batches) == sorted(["JY-10", "JY-9", "JY-2"])
    resumed = await _drain(source, batches[0].cursor)
    assert _ids(resumed) == [sorted(["JY-10", "JY-9", "JY-2"])[2]]
    assert batches[0].rows[0].position.startswith("xk.xzxk id=")


async def test_fetch_reads_current_rows_of_every_feed_and_they_map(
    exchange: asyncpg.Connection[Any], new_database: str, tmp_path: Path
) -> None:
    await _insert(exchange, [_enterprise(1, 0, USCC_A), _enterprise(2, 0, USCC_B)])
    await exchange.execute(
        "INSERT INTO xk.xzxk VALUES ('JY-1', $1, '食品经营许可证', '龙湖区局', '有效', NULL, "
        "'2023-07-01', '2028-06-30', now())",
        USCC_B,
    )
    source = _source(tmp_path, new_database)
    connector = open_connector(source)
    try:
        rows = await connector.fetch([USCC_B])
        assert await connector.fetch([]) == []
    finally:
        await connector.aclose()
    assert [(r.feed, r.position) for r in rows] == [
        ("enterprises", "djzc_qyjbxx id=2"), ("licences", "xk.xzxk id=JY-1")
    ]
    mapped = Mapper(source).map(rows[0])
    assert isinstance(mapped, Mapped) and isinstance(mapped.record, Registration)
    assert mapped.record.registered_capital == Decimal(500000)
    assert mapped.record.uscc == USCC_B


async def test_an_unreachable_database_is_source_unavailable(tmp_path: Path) -> None:
    source = _source(tmp_path, "postgresql://postgres@127.0.0.1:1/exchange")
    connector = PostgresConnector(source)
    with pytest.raises(SourceUnavailable, match="registration: cannot connect"):
        await anext(connector.changes({}))
    with pytest.raises(SourceUnavailable, match="registration: cannot connect"):
        await connector.fetch([USCC_A])
    await connector.aclose()


async def test_a_missing_table_or_column_is_source_unavailable(
    new_database: str, tmp_path: Path
) -> None:
    source = _source(tmp_path, new_database)
    with pytest.raises(SourceUnavailable, match='relation "djzc_qyjbxx" does not exist'):
        await _drain(source, {})
    conn: asyncpg.Connection[Any] = await asyncpg.connect(new_database)
    try:
        await conn.execute("CREATE TABLE djzc_qyjbxx (nbxh bigint, tyshxydm text)")
    finally:
        await conn.close()
    with pytest.raises(SourceUnavailable, match='table djzc_qyjbxx has no column "gxsj"'):
        await _drain(source, {})


def test_table_names_are_quoted_part_by_part() -> None:
    assert quote_table("xk.xzxk") == '"xk"."xzxk"'
    assert quote_table('a"b') == '"a""b"'
