"""A registration and licensing exchange database for sync tests, with its source config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg

from adapters.config import SourcesConfig, load_sources_config
from gateway.uscc import make

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)

TABLES = """
CREATE TABLE djzc_qyjbxx (
    nbxh bigint PRIMARY KEY, tyshxydm text, qymc text, cym text, djzt text, xzqh text,
    hydm text, zczb text, clrq text, gxsj timestamptz NOT NULL
);
CREATE TABLE xzsp_xkxx (
    xkid text PRIMARY KEY, tyshxydm text, xkzbh text, xkzmc text, fzjg text, zt text,
    gxsj timestamptz NOT NULL
);
"""

CONFIG = """
[defaults]
interval = "1m"
max_age = "1h"
batch_size = {batch_size}

[[source]]
name = "registration"
department = "登记注册科"
connector = "postgres"
dsn = "${{EXCHANGE_DSN}}"

  [[source.feed]]
  name = "enterprises"
  record = "REGISTRATION"
  table = "djzc_qyjbxx"
  id = "nbxh"
  updated = "gxsj"
    [source.feed.fields]
    uscc = "tyshxydm"
    name = "qymc"
    former_names = {{ from = "cym", split = ";" }}
    status = {{ from = "djzt", map = {{ "存续" = "OPERATING", "吊销" = "REVOKED", "注销" = "DEREGISTERED" }} }}
    division = "xzqh"
    industry = "hydm"
    registered_capital = {{ from = "zczb", unit = "万元" }}
    established_on = "clrq"

  [[source.feed]]
  name = "licences"
  record = "LICENSE"
  table = "xzsp_xkxx"
  id = "xkid"
  updated = "gxsj"
    [source.feed.fields]
    uscc = "tyshxydm"
    number = "xkzbh"
    title = "xkzmc"
    issued_by = "fzjg"
    status = {{ from = "zt", map = {{ "有效" = "VALID", "吊销" = "REVOKED", "注销" = "CANCELLED" }} }}
"""


def code(i: int) -> str:
    """A valid USCC for enterprise number i."""
    return make(f"91440507{i:08d}0")


def enterprise_row(i: int, **changes: Any) -> tuple[Any, ...]:
    row = {
        "nbxh": i,
        "tyshxydm": code(i),
        "qymc": f"汕头市龙湖区测试{i}玩具有限公司",
        "cym": None,
        "djzt": "存续",
        "xzqh": "440507",
        "hydm": "C2451",
        "zczb": "100",
        "clrq": "2015-03-01",
        "gxsj": T0,
    }
    row.update(changes)
    return tuple(row.values())


async def create_exchange(dsn: str, enterprises: int, bad: int = 0) -> None:
    """Fill the exchange tables: `enterprises` good rows, then `bad` rows with a bad code."""
    conn: asyncpg.Connection[Any] = await asyncpg.connect(dsn)
    try:
        await conn.execute(TABLES)
        rows = [enterprise_row(i) for i in range(1, enterprises + 1)]
        rows += [
            enterprise_row(enterprises + i, tyshxydm=code(i)[:-1] + "Z") for i in range(1, bad + 1)
        ]
        await conn.copy_records_to_table("djzc_qyjbxx", records=rows)
    finally:
        await conn.close()


def write_config(tmp_path: Path, dsn: str, batch_size: int = 500) -> tuple[Path, SourcesConfig]:
    path = tmp_path / "sources.toml"
    path.write_text(CONFIG.format(batch_size=batch_size), encoding="utf-8")
    return path, load_sources_config(path, {"EXCHANGE_DSN": dsn})


async def add_food_licence(exchange: asyncpg.Connection[Any], holder: str, at: dt.datetime) -> None:
    """Give `holder` a valid food production licence L1 in the licensing exchange table."""
    await exchange.execute(
        "INSERT INTO xzsp_xkxx VALUES ('L1', $1, 'SC10644050700123', '食品生产许可证',"
        " '汕头市市场监督管理局', '有效', $2)",
        holder,
        at,
    )
