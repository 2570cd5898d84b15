"""`audit verify` against a real database tampered with by a superuser who turned the
triggers off: it names what was changed, and reads the log in batches."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from gateway.audit.chain import row_hash
from gateway.audit.verify import ProblemKind, check_chain, verify_chain, verify_command
from gateway.audit.writer import AuditWriter
from tests.audit.conftest import entry

K = ProblemKind
ROWS = 10


@pytest.fixture
async def written(audit_pool: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """The pool, after the writer appended ROWS rows."""
    writer = AuditWriter(audit_pool)
    await writer.start()
    try:
        for n in range(1, ROWS + 1):
            await writer.append(entry(n, usccs=(f"code-{n}",)))
    finally:
        await writer.aclose()
    return audit_pool


async def problems_of(pool: asyncpg.Pool[Any]) -> list[tuple[ProblemKind, int, int]]:
    async with pool.acquire() as conn:
        return [(p.kind, p.seq, p.last_seq) for p in await verify_chain(conn)]


async def test_an_untouched_log_verifies_in_batches(written: asyncpg.Pool[Any]) -> None:
    async with written.acquire() as conn:
        report = await check_chain(conn, batch=3)
    assert (report.rows, report.problems, report.intact) == (ROWS, [], True)


async def test_the_command_says_the_chain_is_intact(
    written: asyncpg.Pool[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await verify_command(written) == 0
    assert capsys.readouterr().out == f"audit chain intact: {ROWS} rows\n"


async def test_the_command_names_each_problem(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    await tamper.execute("UPDATE audit_log SET purpose = 'edited' WHERE seq = 3")
    await tamper.execute("DELETE FROM audit_log WHERE seq = 7")
    assert await verify_command(written) == 1
    assert capsys.readouterr().out.splitlines() == [
        "row 3: content changed",
        "row 7 missing",
        f"audit chain broken: 2 problems in {ROWS - 1} rows",
    ]


async def test_an_edited_row_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    await tamper.execute("UPDATE audit_log SET usccs = '{someone-else}' WHERE seq = 4")
    assert await problems_of(written) == [(K.CHANGED, 4, 4)]


async def test_an_edited_row_with_its_hash_recomputed_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    prev_hash = await tamper.fetchval("SELECT prev_hash FROM audit_log WHERE seq = 4")
    edited = entry(4, usccs=("code-4",), purpose="edited")
    await tamper.execute(
        "UPDATE audit_log SET purpose = 'edited', hash = $1 WHERE seq = 4",
        row_hash(prev_hash, 4, edited),
    )
    async with written.acquire() as conn:
        (problem,) = await verify_chain(conn)
    assert (problem.kind, problem.seq) == (K.BROKEN_LINK, 5)
    assert "does not match row 4" in problem.message


async def test_a_deleted_middle_row_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    await tamper.execute("DELETE FROM audit_log WHERE seq = 5")
    assert await problems_of(written) == [(K.MISSING, 5, 5)]


async def test_a_deleted_middle_row_is_named_after_renumbering(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    await tamper.execute("DELETE FROM audit_log WHERE seq = 5")
    for seq in range(6, ROWS + 1):
        await tamper.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq = $1", seq)
    await tamper.execute(
        "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1)",
        ROWS - 1,
    )
    assert await problems_of(written) == [(K.MISSING, 5, 5)]


async def test_a_deleted_last_row_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    await tamper.execute("DELETE FROM audit_log WHERE seq = $1", ROWS)
    assert await problems_of(written) == [(K.MISSING, ROWS, ROWS)]


async def forge(tamper: asyncpg.Connection[Any], seq: int) -> None:
    """Insert a self-consistent row at `seq`, linked to row seq - 1."""
    prev_hash = await tamper.fetchval("SELECT hash FROM audit_log WHERE seq = $1", seq - 1)
    fake = entry(99, purpose="forged")
    await tamper.execute(
        "INSERT INTO audit_log (seq, at, client_id, role, purpose, operation, usccs,"
        " field_groups, verdicts, request_id, client_address, prev_hash, hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        seq, fake.at, fake.client_id, fake.role, fake.purpose, fake.operation,
        list(fake.usccs), list(fake.field_groups), list(fake.verdicts), fake.request_id,
        fake.client_address, prev_hash, row_hash(prev_hash, seq, fake),
    )


async def test_an_inserted_row_after_the_last_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    await forge(tamper, ROWS + 1)
    assert await problems_of(written) == [(K.INSERTED, ROWS + 1, ROWS + 1)]


async def test_an_inserted_middle_row_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    for seq in range(ROWS, 5, -1):
        await tamper.execute("UPDATE audit_log SET seq = seq + 1 WHERE seq = $1", seq)
    await forge(tamper, 6)
    await tamper.execute(
        "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1)",
        ROWS + 1,
    )
    assert await problems_of(written) == [(K.INSERTED, 6, 6)]


async def test_a_deleted_head_is_named(
    written: asyncpg.Pool[Any], tamper: asyncpg.Connection[Any]
) -> None:
    await tamper.execute("DELETE FROM audit_head")
    assert await problems_of(written) == [(K.HEAD, 0, 0)]


async def test_the_command_explains_a_database_without_the_trail(
    new_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = await asyncpg.create_pool(new_database, min_size=1, max_size=1)
    try:
        assert await verify_command(pool) == 1
    finally:
        await pool.close()
    assert "migrate" in capsys.readouterr().out
