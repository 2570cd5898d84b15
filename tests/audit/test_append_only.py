"""History cannot be changed through SQL: not by the gateway, not even by a superuser
whose triggers are on."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from gateway.audit.chain import GENESIS
from gateway.audit.writer import AuditWriter
from tests.audit.conftest import entry

CHANGES = [
    "UPDATE audit_log SET purpose = 'nothing to see' WHERE seq = 2",
    "UPDATE audit_log SET seq = 10 WHERE seq = 3",
    "DELETE FROM audit_log WHERE seq = 2",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "DELETE FROM audit_head",
    "TRUNCATE audit_head",
    "UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit_log WHERE seq = 1)",
    "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 3)",
    "UPDATE audit_head SET hash = '\\x00'::bytea",
]


@pytest.fixture
async def three_rows(audit_pool: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    writer = AuditWriter(audit_pool)
    await writer.start()
    for n in range(3):
        await writer.append(entry(n))
    await writer.aclose()
    return audit_pool


@pytest.mark.parametrize("sql", CHANGES)
async def test_a_change_of_history_is_refused(three_rows: asyncpg.Pool[Any], sql: str) -> None:
    async with three_rows.acquire() as conn:
        before = await conn.fetch("SELECT * FROM audit_log ORDER BY seq")
        head = await conn.fetchrow("SELECT seq, hash FROM audit_head")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(sql)
        assert await conn.fetch("SELECT * FROM audit_log ORDER BY seq") == before
        assert await conn.fetchrow("SELECT seq, hash FROM audit_head") == head
    assert len(before) == 3 and head is not None and head["seq"] == 3


async def test_a_fresh_chain_starts_at_the_genesis_hash(audit_pool: asyncpg.Pool[Any]) -> None:
    head = await audit_pool.fetchrow("SELECT seq, hash FROM audit_head")
    assert head is not None and (head["seq"], bytes(head["hash"])) == (0, GENESIS)


async def test_a_second_head_row_cannot_be_added(audit_pool: asyncpg.Pool[Any]) -> None:
    with pytest.raises(asyncpg.UniqueViolationError):
        await audit_pool.execute("INSERT INTO audit_head (seq, hash) VALUES (5, '\\x01')")
    with pytest.raises(asyncpg.CheckViolationError):
        await audit_pool.execute("INSERT INTO audit_head (id, seq, hash) VALUES (false, 5, '\\x01')")

