"""A fresh, migrated database per test: the audit log cannot be emptied, by design."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from gateway.audit.entry import AuditEntry
from gateway.database import create_pool
from gateway.migrate import migrate

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def entry(n: int = 0, **changes: Any) -> AuditEntry:
    """An entry numbered `n` (its request id and instant differ with `n`)."""
    base = AuditEntry(
        at=AT + dt.timedelta(seconds=n),
        client_id="procurement-portal",
        role="procurement",
        purpose="政府采购资格审查",
        operation="Check",
        usccs=("91440507000000001X",),
        field_groups=("publicity",),
        verdicts=("PASS",),
        request_id=f"req-{n:06d}",
        client_address="10.0.0.7",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
async def audit_url(new_database: str) -> str:
    """A fresh database with every migration applied."""
    conn = await asyncpg.connect(new_database)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return new_database


@pytest.fixture
async def audit_pool(audit_url: str) -> AsyncIterator[asyncpg.Pool[Any]]:
    pool = await create_pool(audit_url, min_size=1, max_size=4)
    yield pool
    try:
        # A test that failed half-way may leave a connection out: do not wait for ever.
        await asyncio.wait_for(pool.close(), 30)
    except TimeoutError:
        pool.terminate()


@pytest.fixture
async def tamper(audit_url: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    """A superuser connection with triggers off: the only way to change history."""
    conn = await asyncpg.connect(audit_url)
    await conn.execute("SET session_replication_role = replica")
    yield conn
    await conn.close()
