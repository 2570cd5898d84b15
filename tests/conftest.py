"""Shared fixtures: a fresh PostgreSQL database per test session, migrated.

The server is `TEST_DATABASE_URL` when set, else an embedded one from pgserver. Each session
creates its own database, so parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.database import create_pool, embedded_url, stop_embedded, with_database
from gateway.migrate import migrate

ARCHIVE_TABLES = (
    "records, record_versions, enterprises, key_area_tags, key_area_tag_changes, "
    "quarantine, source_refreshes, sources, verifications, risk_assessments, "
    "risk_assessment_history"
)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server URL (any database on it)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    # Not under pytest's temp folder: run as root, pgserver runs the server as another user,
    # and each new pytest run makes that folder private again.
    folder = Path(tempfile.mkdtemp(prefix="credit-gateway-test-"))
    folder.chmod(0o755)
    yield embedded_url(folder)
    stop_embedded(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A new, migrated database for this session; dropped afterwards."""
    import asyncio

    name = f"cgtest_{os.getpid()}_{secrets.token_hex(3)}"

    async def create() -> None:
        admin = await asyncpg.connect(server_url)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        conn = await asyncpg.connect(with_database(server_url, name))
        await migrate(conn)
        await conn.close()

    async def drop() -> None:
        admin = await asyncpg.connect(server_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    asyncio.run(create())
    yield with_database(server_url, name)
    asyncio.run(drop())


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool[Any]]:
    """A pool on the session's database."""
    p = await create_pool(database_url, min_size=1, max_size=5)
    yield p
    await p.close()


@pytest.fixture
async def clean_archive(pool: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """The pool, after emptying every archive table."""
    # A connection left mid-query by an earlier test would block TRUNCATE for ever: fail instead.
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL lock_timeout = '30s'")
        await conn.execute(f"TRUNCATE {ARCHIVE_TABLES} RESTART IDENTITY CASCADE")
    return pool


@pytest.fixture
def new_database(server_url: str) -> Iterator[str]:
    """An empty, unmigrated database (for migration tests and source exchange databases)."""
    import asyncio

    name = f"cgtmp_{os.getpid()}_{secrets.token_hex(3)}"

    async def run(sql: str) -> None:
        admin = await asyncpg.connect(server_url)
        await admin.execute(sql)
        await admin.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield with_database(server_url, name)
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
