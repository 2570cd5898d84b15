"""Encoding chunks for COPY and the drop files."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import asyncpg

from adapters.demo.encode import copy_text, csv_bytes, encode, jsonl_bytes
from adapters.demo.generator import Generator
from adapters.demo.layout import LISTINGS, PENALTIES


def test_plain_rows_are_joined_with_tabs_and_nulls() -> None:
    assert copy_text([("a", None, 3), ("汕头", "b", None)], 3) == (
        "a\t\\N\t3\n汕头\tb\t\\N\n".encode())


def test_awkward_values_are_escaped() -> None:
    rows = [("tab\there", "line\nbreak", "back\\slash", "\\N", "cr\r")]
    assert copy_text(rows, 5) == b"tab\\there\tline\\nbreak\tback\\\\slash\t\\\\N\tcr\\r\n"


async def test_escaped_values_survive_copy(new_database: str) -> None:
    rows = [("tab\there", "line\nbreak"), ("back\\slash", None), ("\\N", "平")]
    conn: asyncpg.Connection[Any] = await asyncpg.connect(new_database)
    try:
        await conn.execute("CREATE TABLE t (a text, b text)")
        await conn.copy_to_table("t", source=io.BytesIO(copy_text(rows, 2)), format="text")
        assert [tuple(r) for r in await conn.fetch("SELECT a, b FROM t")] == rows
    finally:
        await conn.close()


def test_a_chunk_encodes_every_feed() -> None:
    chunk = Generator(4, 300).chunk(0)
    encoded = encode(chunk)
    assert encoded.counts["djzc_qyjbxx"] == 300 == encoded.enterprises
    for name, data in encoded.tables.items():
        assert data.count(b"\n") == encoded.counts[name], name
    penalties = list(csv.reader(io.StringIO(encoded.penalties.decode())))
    assert len(penalties) == len(chunk.penalties)
    assert all(len(row) == len(PENALTIES.columns) for row in penalties)
    listings = [json.loads(line) for line in encoded.listings.splitlines()]
    assert [item["mdid"] for item in listings] == [row[0] for row in chunk.listings]
    assert list(listings[0]) == list(LISTINGS.columns)
    assert encoded.truths.count(b"\n") == 300


def test_csv_and_jsonl_keep_chinese_text() -> None:
    assert csv_bytes([("汕头市", None, "a,b")]) == '汕头市,,"a,b"\n'.encode()
    assert jsonl_bytes(("a", "b"), [("汕头", None)]) == '{"a":"汕头","b":null}\n'.encode()
