"""A generated chunk as the bytes the demo systems store: COPY text for PostgreSQL, CSV for
the penalty drop files, JSON lines for the list drop files.

Encoding happens where the chunk was generated (possibly a worker process), so only compact
bytes travel to the loader.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable

from adapters.demo.context import Chunk, Fault, Row
from adapters.demo.generator import Generator
from adapters.demo.layout import (
    COMMITMENTS,
    INSPECTIONS,
    LICENCES,
    LISTINGS,
    REGISTRATIONS,
    SAMPLINGS,
)

TABLE_FEEDS = ("djzc_qyjbxx", "xkxx", "xycn", "ccjc", "jdcj")
"""Feeds loaded into PostgreSQL tables (registration; the HTTP systems' storage)."""


@dataclasses.dataclass(frozen=True, slots=True)
class EncodedChunk:
    """One chunk, ready to store."""

    index: int
    enterprises: int
    tables: dict[str, bytes]
    """Feed name → rows for COPY … (FORMAT text), see `copy_text`."""
    penalties: bytes
    """CSV rows (no header) of the penalty drop files."""
    listings: bytes
    """JSON lines of the list drop files."""
    truths: bytes
    """CSV rows 'uscc,risk': ground truth, stored apart from every source."""
    counts: dict[str, int]
    faults: list[Fault]
    showcase: list[tuple[int, int, str]]


def copy_text(rows: list[Row], width: int) -> bytes:
    """Rows in PostgreSQL's COPY text format: tab-separated, NULL as \\N, one row per line.

    Generated values never hold a tab, a line break or a backslash, so they need no
    escaping; the counts below prove it for each chunk, and a chunk that fails the proof is
    escaped value by value instead."""
    text = "".join(
        "\t".join(["\\N" if v is None else v if v.__class__ is str else str(v) for v in row])
        + "\n" for row in rows)
    nulls = sum(row.count(None) for row in rows)
    clean = (text.count("\n") == len(rows) and text.count("\t") == len(rows) * (width - 1)
             and "\r" not in text and text.count("\\") == nulls)
    if not clean:
        text = "".join("\t".join(_escaped(v) for v in row) + "\n" for row in rows)
    return text.encode("utf-8")


def _escaped(value: object) -> str:
    if value is None:
        return "\\N"
    text = value if isinstance(value, str) else str(value)
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def csv_bytes(rows: Iterable[Row]) -> bytes:
    """RFC 4180 CSV with LF line ends; None becomes an empty cell."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def jsonl_bytes(columns: tuple[str, ...], rows: Iterable[Row]) -> bytes:
    """One JSON object per line, keys in column order, Chinese kept as is."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return "".join(dumps(dict(zip(columns, row, strict=True))) + "\n" for row in rows).encode()


def encode(chunk: Chunk) -> EncodedChunk:
    """The chunk's rows as bytes, per destination."""
    tables = {
        name: copy_text(rows, len(feed.columns)) for name, feed, rows in (
            ("djzc_qyjbxx", REGISTRATIONS, chunk.registrations),
            ("xkxx", LICENCES, chunk.licences), ("xycn", COMMITMENTS, chunk.commitments),
            ("ccjc", INSPECTIONS, chunk.inspections), ("jdcj", SAMPLINGS, chunk.samplings))
    }
    counts = {
        "djzc_qyjbxx": len(chunk.registrations), "xkxx": len(chunk.licences),
        "xycn": len(chunk.commitments), "ccjc": len(chunk.inspections),
        "jdcj": len(chunk.samplings), "xzcf": len(chunk.penalties), "mdxx": len(chunk.listings),
    }
    truths = csv_bytes((uscc, f"{risk:.4f}") for uscc, risk in chunk.truths)
    return EncodedChunk(
        chunk.index, len(chunk.registrations), tables, csv_bytes(chunk.penalties),
        jsonl_bytes(LISTINGS.columns, chunk.listings), truths, counts, chunk.faults,
        chunk.showcase,
    )


def generate_encoded(seed: int, enterprises: int, index: int) -> EncodedChunk:
    """Generate and encode one chunk (a top-level function, so process pools can run it)."""
    return encode(Generator(seed, enterprises).chunk(index))
