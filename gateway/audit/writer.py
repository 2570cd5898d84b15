"""Appends audit rows with group commit: concurrent requests share one transaction.

`append` queues an entry and returns its seq once the row is committed, so a caller that
sends its response after `append` never answers without its row. One background task takes
everything queued, writes it in one transaction and wakes every waiter; while it commits,
new entries queue up for the next group, so the commit rate, not the request rate, bounds the
work. The row lock on `audit_head` serialises writers of other processes on the same chain.
Rows of other tables can be `Attached` to an entry: they commit in its group's transaction,
so they are stored exactly when the audit row is (verifications use this). When the database
refuses a group for what one of its entries holds, the group is written again entry by entry,
so only that entry's caller gets the error.

Every failure `append` raises is an AuditError (InvalidAuditEntry, AuditUnavailable,
AuditWriteFailed).
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import asyncpg.pool

from gateway.audit.chain import row_hash
from gateway.audit.entry import AuditEntry, check_entry
from gateway.audit.entry import AuditError as AuditError  # callers catch it from here too
from gateway.database import Connection

log = logging.getLogger(__name__)

MAX_GROUP = 1000
COLUMNS = (
    "seq", "at", "client_id", "role", "purpose", "operation", "usccs", "field_groups",
    "verdicts", "request_id", "client_address", "prev_hash", "hash",
)


class AuditUnavailable(AuditError):
    """The writer is not running (not started yet, closing, or stopped)."""


class AuditWriteFailed(AuditError):
    """The transaction of the row's group failed; the database error is the cause."""


@dataclasses.dataclass(slots=True)
class WriterStats:
    """Counters for tests and benchmarks."""

    rows_written: int = 0
    commits: int = 0
    failed_groups: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Attached:
    """Rows of another table that must be stored exactly when an audit row is: written in
    the transaction of its group, by `write`, once for all the group's rows of that
    writer (so a group of verifications costs one statement, not one per request)."""

    write: Callable[[Connection, Sequence[Any]], Awaitable[None]]
    rows: Sequence[Any]


@dataclasses.dataclass(slots=True)
class _Pending:
    entry: AuditEntry
    done: asyncio.Future[int]
    attached: tuple[Attached, ...] = ()


def chained_rows(
    head_seq: int, head_hash: bytes, entries: Sequence[AuditEntry]
) -> list[tuple[Any, ...]]:
    """The rows for `entries` after the head, in COLUMNS order, each hashed onto the last."""
    rows: list[tuple[Any, ...]] = []
    prev_hash = head_hash
    for seq, entry in enumerate(entries, start=head_seq + 1):
        own = row_hash(prev_hash, seq, entry)
        rows.append((
            seq, entry.at, entry.client_id, entry.role, entry.purpose, entry.operation,
            list(entry.usccs), list(entry.field_groups), list(entry.verdicts),
            entry.request_id, entry.client_address, prev_hash, own,
        ))
        prev_hash = own
    return rows


async def write_rows(
    conn: Connection, entries: Sequence[AuditEntry], attached: Sequence[Attached] = ()
) -> int:
    """Append `entries` to the chain in one transaction, with the `attached` rows; the seq
    of the first."""
    async with conn.transaction():
        # Durable at commit whatever the server's default says.
        await conn.execute("SET LOCAL synchronous_commit = on")
        head = await conn.fetchrow("SELECT seq, hash FROM audit_head FOR UPDATE")
        if head is None:
            raise RuntimeError("audit_head has no row: the chain head was deleted")
        rows = chained_rows(head["seq"], bytes(head["hash"]), entries)
        await conn.copy_records_to_table("audit_log", records=rows, columns=COLUMNS)
        await conn.execute("UPDATE audit_head SET seq = $1, hash = $2", rows[-1][0], rows[-1][-1])
        for write, batch in _by_writer(attached).items():
            await write(conn, batch)
    first: int = head["seq"] + 1
    return first


class AuditWriter:
    """The process's one appender to the audit chain.

    It keeps one connection of `pool` while running, so requests that hold the pool's other
    connections while they wait for `append` cannot starve it."""

    def __init__(self, pool: asyncpg.Pool[Any], *, max_group: int = MAX_GROUP) -> None:
        if max_group < 1:
            raise ValueError("max_group must be at least 1")
        self._pool = pool
        self._max_group = max_group
        self._queue: collections.deque[_Pending] = collections.deque()
        self._in_flight: list[_Pending] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._conn: asyncpg.pool.PoolConnectionProxy[Any] | None = None
        self.stats = WriterStats()

    @property
    def queued(self) -> int:
        """Entries waiting for a group (not counting the group being committed)."""
        return len(self._queue)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and not self._closing

    async def start(self) -> None:
        """Start the background task; once only."""
        if self._task is not None:
            raise RuntimeError("the audit writer was already started")
        self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def aclose(self) -> None:
        """Write everything queued, then stop; appends from now on raise AuditUnavailable."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def append(self, entry: AuditEntry, attached: Sequence[Attached] = ()) -> int:
        """Queue `entry` (and rows `attached` to it); its seq once committed. Raises
        InvalidAuditEntry at once for an entry that cannot be stored, AuditError when the
        row was not written (nor then the attached rows)."""
        check_entry(entry)
        if not self.running:
            raise AuditUnavailable("the audit writer is not running")
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(entry, done, tuple(attached)))
        self._wake.set()
        return await done

    async def _run(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._queue:
                    await self._write_group(self._take_group())
                    self._in_flight = []
                if self._closing:
                    return
        finally:
            stopped = AuditUnavailable("the audit writer stopped")
            _fail(self._in_flight, stopped)
            _fail(list(self._queue), stopped)
            self._queue.clear()
            await self._release()

    def _take_group(self) -> list[_Pending]:
        count = min(len(self._queue), self._max_group)
        self._in_flight = [self._queue.popleft() for _ in range(count)]
        return self._in_flight

    async def _write_group(self, group: list[_Pending]) -> None:
        try:
            if self._conn is not None and self._conn.is_closed():
                await self._release()  # lost while idle: nothing was sent on it yet
            if self._conn is None:
                self._conn = await self._pool.acquire()
            attached = [a for p in group for a in p.attached]
            first = await write_rows(self._conn, [p.entry for p in group], attached)
        except Exception as error:
            self.stats.failed_groups += 1
            if len(group) > 1 and _refused_statement(error):
                # One entry (or its attached rows) may be what the database refused: written
                # one by one, only that one fails.
                log.warning("audit group of %d rows refused (%r): writing them one by one",
                            len(group), error)
                for pending in group:
                    await self._write_group([pending])
                return
            log.error("audit group of %d rows not written: %r", len(group), error)
            # The connection may be broken; the pool checks it and hands out a working one.
            await self._release()
            _fail(group, AuditWriteFailed("the audit row could not be written"), cause=error)
        else:
            self.stats.commits += 1
            self.stats.rows_written += len(group)
            for seq, pending in enumerate(group, start=first):
                if not pending.done.done():
                    pending.done.set_result(seq)

    async def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await self._pool.release(conn)
            except Exception as error:  # a broken connection: the pool discards it
                log.warning("audit writer: releasing its connection failed: %r", error)


def _by_writer(
    attached: Sequence[Attached],
) -> dict[Callable[[Connection, Sequence[Any]], Awaitable[None]], list[Any]]:
    """The attached rows gathered per writer, in queue order."""
    batches: dict[Callable[[Connection, Sequence[Any]], Awaitable[None]], list[Any]] = {}
    for item in attached:
        batches.setdefault(item.write, []).extend(item.rows)
    return batches


_SERVER_TROUBLE = frozenset({"08", "53", "57", "58", "XX"})
"""SQLSTATE classes about the connection or the server (connection exception, insufficient
resources, operator intervention, system error, internal error), not about a statement."""


def _refused_statement(error: BaseException) -> bool:
    """Whether the database refused a statement of the group for what it held (a constraint,
    a value, a trigger), on a connection that still works."""
    if not isinstance(error, asyncpg.PostgresError):
        return False
    state = str(getattr(error, "sqlstate", "") or "")
    return state[:2] not in _SERVER_TROUBLE


def _fail(group: Sequence[_Pending], error: AuditError, cause: BaseException | None = None) -> None:
    """Give every waiter still waiting its own copy of `error`."""
    for pending in group:
        if not pending.done.done():
            own = type(error)(*error.args)
            own.__cause__ = cause
            pending.done.set_exception(own)
