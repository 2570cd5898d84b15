"""Sync: pull each source's changes into the archive, one committed batch at a time."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from adapters.base import Connector, Cursor, RawRow, SourceUnavailable
from adapters.config import SourceConfig, SourcesConfig
from adapters.connectors import open_connector
from adapters.mapping import Mapped, Mapper, Quarantined, quarantine
from gateway.archive import store
from gateway.clock import utcnow
from gateway.database import Connection
from gateway.keyareas import KeyAreaRules, refresh_tags
from gateway.records import RecordKind

log = logging.getLogger(__name__)

_TAGGING_KINDS = (RecordKind.REGISTRATION, RecordKind.LICENSE)



@dataclasses.dataclass(slots=True)
class SyncReport:
    """How one sync of one source went."""

    source: str
    batches: int = 0
    rows: int = 0
    result: store.BatchResult = dataclasses.field(default_factory=store.BatchResult)
    error: str | None = None
    skipped: bool = False


def map_rows(
    mapper: Mapper, rows: Sequence[RawRow]
) -> tuple[list[store.Incoming], list[Quarantined]]:
    """Map source rows; bad ones become quarantine entries instead of stopping the batch."""
    good: list[store.Incoming] = []
    bad: list[Quarantined] = []
    for row in rows:
        try:
            outcome = mapper.map(row)
            if isinstance(outcome, Mapped):
                good.append(store.prepare(outcome, row.feed))
            else:
                bad.append(outcome)
        except Exception as exc:  # a row no rule foresaw must not stop the source for good
            bad.append(quarantine(row, f"unexpected value: {exc!r}"[:500]))
    return good, bad


@dataclasses.dataclass(frozen=True, slots=True)
class MappedBatch:
    """A source batch after mapping, with the cursor that follows it."""

    good: list[store.Incoming]
    bad: list[Quarantined]
    cursor: Cursor | None
    rows: int


def map_batch(mapper: Mapper, rows: Sequence[RawRow], cursor: Cursor | None) -> MappedBatch:
    """Map a batch of source rows (CPU work, no I/O)."""
    good, bad = map_rows(mapper, rows)
    return MappedBatch(good, bad, cursor, len(rows))


async def ingest(
    conn: Connection, source: SourceConfig, batch: MappedBatch, rules: KeyAreaRules
) -> store.BatchResult:
    """Write one batch (records, quarantine, tags and, for a sync, the cursor) atomically."""
    good, bad, cursor = batch.good, batch.bad, batch.cursor
    now = utcnow()
    async with conn.transaction():
        # Batch statements take arrays whose length the planner cannot see: a cached generic
        # plan guesses 10 rows and joins by nested loops, ten times slower than a custom plan.
        # They also materialise whole batches: keep those in memory, not in temp files.
        await conn.execute(
            "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '64MB'"
        )
        result = await store.write_records(conn, source.name, source.department, good, now)
        result.quarantined = await store.write_quarantine(conn, source.name, bad, now)
        tagged = set().union(*(result.changed.get(k, set()) for k in _TAGGING_KINDS))
        await refresh_tags(conn, tagged, rules, now)
        await store.save_progress(conn, source.name, cursor, result)
    return result


def _lock_key(source: str) -> str:
    return f"credit-gateway sync {source}"


async def sync_source(
    pool: asyncpg.Pool[Any],
    source: SourceConfig,
    rules: KeyAreaRules,
    *,
    connector: Connector | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> SyncReport:
    """Pull every change since the stored cursor. Skips when another process is syncing it."""
    report = SyncReport(source.name)
    async with pool.acquire() as conn:
        locked = await conn.fetchval(
            "SELECT pg_try_advisory_lock(hashtext($1))", _lock_key(source.name)
        )
        if not locked:
            report.skipped = True
            return report
        try:
            await _sync_locked(conn, source, rules, connector, on_batch, report)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", _lock_key(source.name))
    return report


async def _sync_locked(
    conn: Connection,
    source: SourceConfig,
    rules: KeyAreaRules,
    connector: Connector | None,
    on_batch: Callable[[int], None] | None,
    report: SyncReport,
) -> None:
    started = utcnow()
    cursor = await store.register_source(conn, source.name, source.department, source.connector)
    own = connector is None
    active = open_connector(source) if connector is None else connector
    # Reading and mapping the next batch overlaps with the database writing this one.
    queue: asyncio.Queue[MappedBatch | ReadFailed | None] = asyncio.Queue(maxsize=2)
    reader = asyncio.create_task(_read(active, Mapper(source), cursor, queue))
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, ReadFailed):
                raise item.error
            report.result.add(await ingest(conn, source, item, rules))
            report.batches += 1
            report.rows += item.rows
            if on_batch is not None:
                on_batch(item.rows)
    except SourceUnavailable as exc:
        report.error = str(exc)
        log.warning("source %s unavailable: %s", source.name, exc)
    except Exception as exc:  # recorded in the source's status, then the sync ends
        report.error = f"unexpected error: {exc!r}"
        log.exception("sync of %s failed", source.name)
    finally:
        if not reader.done():
            reader.cancel()
        await asyncio.wait({reader})
        if own:
            await active.aclose()
    await store.mark_attempt(conn, source.name, started, report.error)


@dataclasses.dataclass(frozen=True, slots=True)
class ReadFailed:
    """The source failed while being read: what the reader hands the writer instead of a batch."""

    error: Exception


async def _read(
    connector: Connector,
    mapper: Mapper,
    cursor: Cursor,
    queue: asyncio.Queue[MappedBatch | ReadFailed | None],
) -> None:
    """Read and map batches into `queue`, then None, or a ReadFailed when reading fails.

    Never waits on the queue after the writer stopped: the writer cancels it then."""
    try:
        async for batch in connector.changes(cursor):
            await queue.put(map_batch(mapper, batch.rows, batch.cursor))
    except Exception as exc:  # handed to the writer, which reports it
        await queue.put(ReadFailed(exc))
        return
    await queue.put(None)


async def sync_all(
    pool: asyncpg.Pool[Any],
    config: SourcesConfig,
    rules: KeyAreaRules,
    only: str | None = None,
) -> list[SyncReport]:
    """Sync every configured source (or just `only`), one after the other."""
    chosen = [s for s in config.sources if only is None or s.name == only]
    return [await sync_source(pool, s, rules) for s in chosen]


async def run_periodically(
    pool: asyncpg.Pool[Any], config: SourcesConfig, rules: KeyAreaRules, stop: asyncio.Event
) -> None:
    """The server's background sync: each source on its own interval until `stop` is set."""
    await asyncio.gather(*(_loop(pool, s, rules, stop) for s in config.sources))


async def _loop(
    pool: asyncpg.Pool[Any], source: SourceConfig, rules: KeyAreaRules, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            report = await sync_source(pool, source, rules)
            r = report.result
            if r.inserted or r.updated or r.quarantined:
                log.info(
                    "synced %s: %d new, %d changed, %d quarantined",
                    source.name,
                    r.inserted,
                    r.updated,
                    r.quarantined,
                )
        except Exception:  # a bug in one source's sync must not stop the others
            log.exception("sync of %s failed", source.name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=source.interval.total_seconds())
