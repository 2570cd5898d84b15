"""The demo systems' tables in PostgreSQL.

The registration system's exchange table `djzc_qyjbxx` (schema public of the exchange
database) is what the gateway's postgres connector reads. The licensing and inspection
systems keep their rows in schemas `licensing` and `inspection` of the same database, but
the gateway reaches those only over HTTP. Schema `demo` records which data set is loaded,
so a restart with the same seed and size skips generation.

Columns are text where a faulty value must be storable (dates, statuses); the id, the
registered capital and the update time are typed.
"""

from __future__ import annotations

import io
import re
from typing import Any

import asyncpg

from adapters.demo.layout import (
    COMMITMENTS,
    INSPECTIONS,
    LICENCES,
    REGISTRATIONS,
    SAMPLINGS,
    Feed,
)

TABLES: dict[str, tuple[str, Feed]] = {
    REGISTRATIONS.name: ("public", REGISTRATIONS),
    LICENCES.name: ("licensing", LICENCES),
    COMMITMENTS.name: ("licensing", COMMITMENTS),
    INSPECTIONS.name: ("inspection", INSPECTIONS),
    SAMPLINGS.name: ("inspection", SAMPLINGS),
}
_TYPES = {"nbxh": "bigint", "zczb": "numeric(16, 4)", "gxsj": "timestamptz NOT NULL"}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def quote_ident(name: str) -> str:
    """A lower-case SQL identifier, double-quoted; anything else is refused."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain lower-case identifier: {name!r}")
    return f'"{name}"'


def qualified(feed_name: str) -> str:
    """schema.table of a stored feed, quoted."""
    schema, feed = TABLES[feed_name]
    return f"{quote_ident(schema)}.{quote_ident(feed.name)}"


def _column_type(feed: Feed, column: str) -> str:
    # Codes and ids compare byte by byte: faster keys, and the order clients expect.
    if column in (feed.id_column, feed.uscc_column) and column not in _TYPES:
        return 'text COLLATE "C"'
    return _TYPES.get(column, "text")


def _create_table(feed_name: str) -> str:
    _, feed = TABLES[feed_name]
    columns = ", ".join(f"{quote_ident(c)} {_column_type(feed, c)}" for c in feed.columns)
    return f"CREATE TABLE {qualified(feed_name)} ({columns})"


async def prepare(conn: asyncpg.Connection[Any]) -> None:
    """Empty tables for a new data set (indexes come after the load, in `finish`)."""
    for schema in ("licensing", "inspection", "demo"):
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS demo.dataset (seed bigint NOT NULL, enterprises integer "
        "NOT NULL, version text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())")
    await conn.execute("DELETE FROM demo.dataset")
    for name in TABLES:
        await conn.execute(f"DROP TABLE IF EXISTS {qualified(name)}")
        await conn.execute(_create_table(name))


async def load(conn: asyncpg.Connection[Any], feed_name: str, rows: bytes) -> None:
    """Append rows in COPY text format (as `encode.copy_text` writes them) to a feed's table."""
    if not rows:
        return
    schema, feed = TABLES[feed_name]
    await conn.copy_to_table(feed.name, schema_name=schema, source=io.BytesIO(rows),
                             format="text", columns=list(feed.columns))


async def finish(conn: asyncpg.Connection[Any], seed: int, enterprises: int, version: str) -> None:
    """Keys and indexes for paging by update time and looking up by USCC; then mark the
    data set as loaded."""
    for name, (_, feed) in TABLES.items():
        table = qualified(name)
        key, updated, uscc = (quote_ident(c) for c in
                              (feed.id_column, feed.updated_column, feed.uscc_column))
        await conn.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({key})")
        await conn.execute(f"CREATE INDEX ON {table} ({updated}, {key})")
        await conn.execute(f"CREATE INDEX ON {table} ({uscc})")
        await conn.execute(f"ANALYZE {table}")
    await conn.execute("INSERT INTO demo.dataset (seed, enterprises, version) VALUES ($1, $2, $3)",
                       seed, enterprises, version)


async def loaded_dataset(conn: asyncpg.Connection[Any]) -> tuple[int, int, str] | None:
    """(seed, enterprises, version) of the completely loaded data set, if any."""
    exists = await conn.fetchval("SELECT to_regclass('demo.dataset') IS NOT NULL")
    if not exists:
        return None
    row = await conn.fetchrow("SELECT seed, enterprises, version FROM demo.dataset LIMIT 1")
    return None if row is None else (row["seed"], row["enterprises"], row["version"])
