"""Fixtures of the demo tests: an exchange database loaded with a small data set."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from adapters.demo import store
from adapters.demo.context import Chunk
from adapters.demo.encode import TABLE_FEEDS, encode
from adapters.demo.generator import Generator

SEED = 2026
ENTERPRISES = 600


@pytest.fixture(scope="module")
def demo_chunk() -> Chunk:
    return Generator(SEED, ENTERPRISES).chunk(0)


@pytest.fixture(scope="module")
def empty_exchange(server_url: str) -> Iterator[str]:
    """A new, empty database for this module's demo systems; dropped afterwards."""
    name = f"cgdemo_{os.getpid()}_{secrets.token_hex(3)}"

    async def run(sql: str) -> None:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(sql)
        finally:
            await admin.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def loaded_exchange(empty_exchange: str, demo_chunk: Chunk) -> str:
    """The module's database with `demo_chunk` loaded into every demo table."""

    async def load() -> None:
        conn = await asyncpg.connect(empty_exchange)
        try:
            await store.prepare(conn)
            encoded = encode(demo_chunk)
            for feed in TABLE_FEEDS:
                await store.load(conn, feed, encoded.tables[feed])
            await store.finish(conn, SEED, ENTERPRISES, "test")
        finally:
            await conn.close()

    asyncio.run(load())
    return empty_exchange
