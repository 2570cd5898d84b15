"""The demo systems' tables: loaded by COPY, typed where it matters, faults storable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from adapters.demo import layout, store
from adapters.demo.context import Chunk
from tests.demo.conftest import ENTERPRISES, SEED


async def _connect(url: str) -> asyncpg.Connection[Any]:
    return await asyncpg.connect(url)


async def test_every_table_holds_its_rows(loaded_exchange: str, demo_chunk: Chunk) -> None:
    conn = await _connect(loaded_exchange)
    try:
        expected = {"djzc_qyjbxx": demo_chunk.registrations, "xkxx": demo_chunk.licences,
                    "xycn": demo_chunk.commitments, "ccjc": demo_chunk.inspections,
                    "jdcj": demo_chunk.samplings}
        for feed, rows in expected.items():
            count = await conn.fetchval(f"SELECT count(*) FROM {store.qualified(feed)}")
            assert count == len(rows), feed
    finally:
        await conn.close()


async def test_registration_rows_keep_their_values_and_types(
    loaded_exchange: str, demo_chunk: Chunk
) -> None:
    conn = await _connect(loaded_exchange)
    try:
        row = await conn.fetchrow("SELECT * FROM djzc_qyjbxx ORDER BY nbxh LIMIT 1")
        first = demo_chunk.registrations[0]
        assert row is not None
        assert row["nbxh"] == first[0] and row["tyshxydm"] == first[1] and row["qymc"] == first[2]
        assert isinstance(row["zczb"], Decimal) or row["zczb"] is None
        stored = dict(zip(layout.REGISTRATIONS.columns, first, strict=True))
        assert row["gxsj"] == dt.datetime.fromisoformat(str(stored["gxsj"]))
        assert row["clrq"] == stored["clrq"]
        assert (row["fddbrzjhm"], row["lxdh"]) == (stored["fddbrzjhm"], stored["lxdh"])
    finally:
        await conn.close()


async def test_faulty_rows_are_stored_as_they_are(loaded_exchange: str, demo_chunk: Chunk) -> None:
    conn = await _connect(loaded_exchange)
    try:
        for fault in demo_chunk.faults:
            if fault.feed == "djzc_qyjbxx":
                row = await conn.fetchrow("SELECT * FROM djzc_qyjbxx WHERE nbxh = $1",
                                          int(fault.record_id))
                assert row is not None
                stored = next(dict(zip(layout.REGISTRATIONS.columns, r, strict=True))
                              for r in demo_chunk.registrations if str(r[0]) == fault.record_id)
                assert (row["tyshxydm"], row["qymc"], row["clrq"], row["djzt"]) == (
                    stored["tyshxydm"], stored["qymc"], stored["clrq"], stored["djzt"])
    finally:
        await conn.close()


async def test_tables_have_keys_and_indexes_for_paging(loaded_exchange: str) -> None:
    conn = await _connect(loaded_exchange)
    try:
        for schema, table in (("public", "djzc_qyjbxx"), ("licensing", "xkxx"),
                              ("inspection", "jdcj")):
            definitions = [r["indexdef"] for r in await conn.fetch(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
                schema, table)]
            assert len(definitions) == 3, definitions
            assert any("(gxsj," in d for d in definitions)
            assert any("(tyshxydm)" in d for d in definitions)
        assert await store.loaded_dataset(conn) == (SEED, ENTERPRISES, "test")
    finally:
        await conn.close()


async def test_an_unloaded_database_has_no_data_set(new_database: str) -> None:
    conn = await _connect(new_database)
    try:
        assert await store.loaded_dataset(conn) is None
    finally:
        await conn.close()


@pytest.mark.parametrize("name", ["", "Upper", 'x"; DROP TABLE y; --', "a.b", "1abc", "a" * 64])
def test_identifiers_must_be_plain(name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        store.quote_ident(name)
