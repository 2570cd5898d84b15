"""Group commit: every append durable when it returns, many appends per transaction, one
chain shared by several writers, and a failed group failing only its own waiters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import pytest

from gateway.audit.chain import row_hash
from gateway.audit.entry import AuditError, InvalidAuditEntry
from gateway.audit.verify import check_chain
from gateway.audit.writer import Attached, AuditUnavailable, AuditWriteFailed, AuditWriter
from gateway.database import create_pool
from tests.audit.conftest import entry


@pytest.fixture
async def writer(audit_pool: asyncpg.Pool[Any]) -> AsyncIterator[AuditWriter]:
    w = AuditWriter(audit_pool)
    await w.start()
    yield w
    await w.aclose()


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait (without a deadline on the outcome) until `condition` holds."""
    for _ in range(10_000):
        if await condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never held")


async def intact_rows(pool: asyncpg.Pool[Any]) -> int:
    async with pool.acquire() as conn:
        report = await check_chain(conn)
    assert report.problems == []
    return report.rows


async def test_appended_rows_are_stored_at_once_and_chained(
    writer: AuditWriter, audit_url: str
) -> None:
    other = await asyncpg.connect(audit_url)
    try:
        previous = bytes(32)
        for n in range(1, 6):
            seq = await writer.append(entry(n))
            assert seq == n
            row = await other.fetchrow("SELECT * FROM audit_log WHERE seq = $1", seq)
            assert row is not None and row["request_id"] == f"req-{n:06d}"
            assert bytes(row["prev_hash"]) == previous
            assert bytes(row["hash"]) == row_hash(previous, n, entry(n))
            previous = bytes(row["hash"])
        head = await other.fetchrow("SELECT seq, hash FROM audit_head")
        assert head is not None and (head["seq"], bytes(head["hash"])) == (5, previous)
    finally:
        await other.close()


async def test_stored_rows_read_back_equal_to_what_was_appended(
    writer: AuditWriter, audit_pool: asyncpg.Pool[Any]
) -> None:
    appended = entry(1, client_id=None, purpose=None, operation=None, client_address=None,
                     usccs=("B", "A"), field_groups=(), verdicts=("PASS", "FAIL"))
    await writer.append(appended)
    row = await audit_pool.fetchrow("SELECT * FROM audit_log WHERE seq = 1")
    assert row is not None
    assert (row["at"], row["client_id"], row["purpose"], row["operation"]) == (
        appended.at, None, None, None)
    assert (row["usccs"], row["field_groups"], row["verdicts"]) == (["B", "A"], [], ["PASS", "FAIL"])
    assert await intact_rows(audit_pool) == 1


async def test_concurrent_appends_share_commits(
    writer: AuditWriter, audit_pool: asyncpg.Pool[Any]
) -> None:
    seqs = await asyncio.gather(*(writer.append(entry(n)) for n in range(300)))
    assert sorted(seqs) == list(range(1, 301))
    assert writer.stats.rows_written == 300
    assert writer.stats.commits <= 30
    assert await intact_rows(audit_pool) == 300


async def test_attached_rows_are_written_once_per_writer_in_each_group(
    writer: AuditWriter, audit_pool: asyncpg.Pool[Any]
) -> None:
    await audit_pool.execute("CREATE TABLE attached_rows (n int)")
    calls: list[list[int]] = []

    async def write_numbers(conn: Any, rows: Sequence[Any]) -> None:
        calls.append(list(rows))
        await conn.executemany("INSERT INTO attached_rows (n) VALUES ($1)", [(n,) for n in rows])

    async def write_nothing(conn: Any, rows: Sequence[Any]) -> None:
        calls.append(list(rows))

    seqs = await asyncio.gather(*(
        writer.append(entry(n), [Attached(write_numbers, [n, -n]), Attached(write_nothing, [])])
        for n in range(1, 101)
    ))
    assert sorted(seqs) == list(range(1, 101))
    assert len(calls) == 2 * writer.stats.commits < 2 * 100  # grouped, one call per writer
    assert sorted(n for call in calls for n in call) == sorted([*range(1, 101), *range(-100, 0)])
    together = await audit_pool.fetchval(  # each row committed with its entry's audit row
        """SELECT count(*) FROM attached_rows r JOIN audit_log a
           ON a.request_id = 'req-' || lpad(abs(r.n)::text, 6, '0')
           WHERE a.xmin::text = r.xmin::text""")
    assert together == 200


async def test_clients_appending_one_after_another_are_grouped_each_round(
    writer: AuditWriter, audit_pool: asyncpg.Pool[Any]
) -> None:
    async def client(c: int) -> list[int]:
        return [await writer.append(entry(c * 100 + i)) for i in range(10)]

    results = await asyncio.gather(*(client(c) for c in range(30)))
    assert sorted(s for seqs in results for s in seqs) == list(range(1, 301))
    assert writer.stats.commits <= 30
    assert await intact_rows(audit_pool) == 300


async def test_two_writers_on_two_pools_share_one_chain(
    writer: AuditWriter, audit_url: str, audit_pool: asyncpg.Pool[Any]
) -> None:
    other_pool = await create_pool(audit_url, min_size=1, max_size=2)
    other = AuditWriter(other_pool)
    await other.start()
    try:
        appends = [(writer if n % 2 else other).append(entry(n)) for n in range(200)]
        seqs = await asyncio.gather(*appends)
    finally:
        await other.aclose()
        await other_pool.close()
    assert sorted(seqs) == list(range(1, 201))
    assert writer.stats.rows_written == other.stats.rows_written == 100
    assert await intact_rows(audit_pool) == 200


class HeadLock:
    """Holds the chain head's row lock from another connection: the writer's next group
    waits inside its transaction until `release`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.held = False

    async def __aenter__(self) -> HeadLock:
        self.holder = await asyncpg.connect(self.url)
        self.watcher = await asyncpg.connect(self.url)
        await self.holder.execute("BEGIN; SELECT 1 FROM audit_head FOR UPDATE")
        self.held = True
        return self

    async def waiting_pid(self) -> int | None:
        pid: int | None = await self.watcher.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        return pid

    async def release(self) -> None:
        if self.held:
            self.held = False
            await self.holder.execute("ROLLBACK")

    async def __aexit__(self, *exc: object) -> None:
        # Closing the holder releases the lock even when the test failed half-way.
        await self.holder.close()
        await self.watcher.close()


async def blocked_group(writer: AuditWriter, lock: HeadLock) -> asyncio.Task[int]:
    """Start a one-row group and wait until it is stuck on the head lock."""
    first = asyncio.create_task(writer.append(entry(0)))

    async def blocked() -> bool:
        return await lock.waiting_pid() is not None

    await until(blocked)
    return first


async def queue(writer: AuditWriter, entries: list[Any]) -> list[asyncio.Task[int]]:
    tasks = [asyncio.create_task(writer.append(e)) for e in entries]

    async def queued() -> bool:
        return writer.queued == len(entries)

    await until(queued)
    return tasks


async def test_a_refused_entry_fails_alone_and_the_rest_of_its_group_is_written(
    writer: AuditWriter, audit_url: str, audit_pool: asyncpg.Pool[Any]
) -> None:
    await audit_pool.execute(
        "CREATE FUNCTION reject_marked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.request_id LIKE 'reject-me%' THEN RAISE EXCEPTION 'rejected by the test';"
        " END IF; RETURN NEW; END $$;"
        " CREATE TRIGGER reject_marked BEFORE INSERT ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION reject_marked()"
    )
    async with HeadLock(audit_url) as lock:
        first = await blocked_group(writer, lock)
        group = [entry(1), entry(2), entry(3, request_id="reject-me"), entry(4),
                 entry(5, request_id="reject-me too")]
        tasks = await queue(writer, group)
        await lock.release()
        assert await first == 1
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert outcomes[:2] == [2, 3] and outcomes[3] == 4, outcomes
    refused = [outcomes[2], outcomes[4]]
    assert all(isinstance(o, AuditWriteFailed) for o in refused), outcomes
    assert all("rejected by the test" in str(o.__cause__) for o in refused)
    assert refused[0] is not refused[1]  # each waiter its own error
    assert writer.stats.failed_groups == 3  # the group, then each refused entry alone
    assert await writer.append(entry(6)) == 5
    assert await intact_rows(audit_pool) == 5


async def test_attached_rows_the_database_refuses_fail_their_own_entry_only(
    writer: AuditWriter, audit_pool: asyncpg.Pool[Any]
) -> None:
    await audit_pool.execute("DROP TABLE IF EXISTS positive;"
                             " CREATE TABLE positive (n int CHECK (n > 0))")

    async def write(conn: Any, rows: Sequence[Any]) -> None:
        await conn.execute("INSERT INTO positive SELECT unnest($1::int[])", list(rows))

    outcomes = await asyncio.gather(
        *(writer.append(entry(n), [Attached(write, [n if n != 2 else -n])]) for n in (1, 2, 3)),
        return_exceptions=True,
    )
    assert isinstance(outcomes[1], AuditWriteFailed), outcomes
    assert "positive_n_check" in str(outcomes[1].__cause__)
    assert sorted(o for o in outcomes if isinstance(o, int)) == [1, 2]
    assert sorted(await audit_pool.fetchval("SELECT array_agg(n) FROM positive")) == [1, 3]
    assert await intact_rows(audit_pool) == 2
    await audit_pool.execute("DROP TABLE positive")


async def test_a_connection_dropped_mid_group_fails_that_group_only(
    writer: AuditWriter, audit_url: str, audit_pool: asyncpg.Pool[Any]
) -> None:
    async with HeadLock(audit_url) as lock:
        first = await blocked_group(writer, lock)
        tasks = await queue(writer, [entry(1), entry(2)])
        pid = await lock.waiting_pid()
        assert await lock.watcher.fetchval("SELECT pg_terminate_backend($1, 10000)", pid)
        with pytest.raises(AuditWriteFailed):
            await first
        await lock.release()
        assert sorted(await asyncio.gather(*tasks)) == [1, 2]
    assert await writer.append(entry(3)) == 3
    assert writer.stats.failed_groups == 1
    assert await intact_rows(audit_pool) == 3


async def test_close_writes_what_is_queued_then_refuses(
    audit_url: str, audit_pool: asyncpg.Pool[Any]
) -> None:
    writer = AuditWriter(audit_pool)
    await writer.start()
    try:
        async with HeadLock(audit_url) as lock:
            first = await blocked_group(writer, lock)
            tasks = await queue(writer, [entry(n) for n in range(1, 51)])
            closing = asyncio.create_task(writer.aclose())
            await asyncio.sleep(0)
            with pytest.raises(AuditUnavailable):
                await writer.append(entry(99))
            await lock.release()
            await closing
    finally:
        await writer.aclose()
    assert await first == 1
    assert sorted(await asyncio.gather(*tasks)) == list(range(2, 52))
    assert await intact_rows(audit_pool) == 51


async def test_a_writer_not_started_refuses(audit_pool: asyncpg.Pool[Any]) -> None:
    writer = AuditWriter(audit_pool)
    with pytest.raises(AuditUnavailable):
        await writer.append(entry())
    await writer.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            await writer.start()
    finally:
        await writer.aclose()


async def test_a_bad_entry_is_refused_alone(
    writer: AuditWriter, audit_pool: asyncpg.Pool[Any]
) -> None:
    good = [writer.append(entry(n)) for n in range(3)]
    bad = writer.append(entry(9, purpose="NUL \x00 in a claim"))
    outcomes = await asyncio.gather(*good, bad, return_exceptions=True)
    assert sorted(outcomes[:3]) == [1, 2, 3]  # type: ignore[type-var]
    assert isinstance(outcomes[3], InvalidAuditEntry) and isinstance(outcomes[3], AuditError)
    assert await intact_rows(audit_pool) == 3


def test_a_group_size_below_one_is_refused(audit_pool: asyncpg.Pool[Any]) -> None:
    with pytest.raises(ValueError, match="max_group"):
        AuditWriter(audit_pool, max_group=0)


async def test_groups_never_exceed_their_size(audit_pool: asyncpg.Pool[Any]) -> None:
    writer = AuditWriter(audit_pool, max_group=7)
    await writer.start()
    try:
        await asyncio.gather(*(writer.append(entry(n)) for n in range(30)))
    finally:
        await writer.aclose()
    assert writer.stats.commits == 5  # 7 + 7 + 7 + 7 + 2: all 30 were queued at once
    assert await intact_rows(audit_pool) == 30
