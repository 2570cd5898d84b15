"""Sync: pull each source's changes into the archive, one committed batch at a time."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from adapters.base import Connector, Cursor, RawRow, SourceUnavailable
from adapters.config import SourceConfig, SourcesConfig
from adapters.connectors import open_connector
from adapters.mapping import MappedFields, Mapper, Quarantined, quarantine
from gateway.archive import store
from gateway.clock import utcnow
from gateway.database import Connection
from gateway.keyareas import KeyAreaRules, lock_tags, refresh_tags
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
            outcome = mapper.map_fields(row)
            if isinstance(outcome, MappedFields):
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

    def keys(self) -> set[tuple[str, str]]:
        """The (feed, record id) of every record in the batch."""
        return {(item.feed, item.record_id) for item in self.good}

    def joined(self, later: MappedBatch) -> MappedBatch:
        """This batch and the one the source gave after it, as one batch."""
        cursor = later.cursor if later.cursor is not None else self.cursor
        return MappedBatch(
            self.good + later.good, self.bad + later.bad, cursor, self.rows + later.rows
        )


def map_batch(mapper: Mapper, rows: Sequence[RawRow], cursor: Cursor | None) -> MappedBatch:
    """Map a batch of source rows (CPU work, no I/O)."""
    good, bad = map_rows(mapper, rows)
    return MappedBatch(good, bad, cursor, len(rows))


_MAP_TURN = 250
"""Rows mapped between turns of the event loop: a few milliseconds of work."""


async def map_batch_in_turns(
    mapper: Mapper, rows: Sequence[RawRow], cursor: Cursor | None
) -> MappedBatch:
    """`map_batch`, yielding to the event loop between small chunks, so that the writer sends
    its next statement as soon as the database answers instead of after a whole batch."""
    good: list[store.Incoming] = []
    bad: list[Quarantined] = []
    for start in range(0, len(rows), _MAP_TURN):
        chunk_good, chunk_bad = map_rows(mapper, rows[start : start + _MAP_TURN])
        good += chunk_good
        bad += chunk_bad
        await asyncio.sleep(0)
    return MappedBatch(good, bad, cursor, len(rows))


_BATCH_SETTINGS = (
    # Batch statements take arrays whose length the planner cannot see: a cached generic plan
    # guesses 10 rows and joins by nested loops, ten times slower than a custom plan. They also
    # materialise whole batches: keep those in memory, not in temp files. And their cost
    # estimates are large enough to make PostgreSQL compile them (JIT) on every batch, which
    # costs more than running them.
    "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '64MB';"
    " SET LOCAL jit = off"
)


async def ingest(
    conn: Connection, source: SourceConfig, batch: MappedBatch, rules: KeyAreaRules
) -> store.BatchResult:
    """Write one batch (records, quarantine, tags and, for a sync, the cursor) atomically."""
    good, bad, cursor = batch.good, batch.bad, batch.cursor
    now = utcnow()
    async with conn.transaction():
        await conn.execute(_BATCH_SETTINGS)
        if any(item.kind is RecordKind.REGISTRATION for item in good):
            await lock_tags(conn)  # before the enterprise rows it writes (see lock_tags)
        result = await store.write_records(
            conn, source.name, source.department, good, now, _industry_areas(rules)
        )
        result.quarantined = await store.write_quarantine(conn, source.name, bad, now)
        tagged = set().union(*(result.changed.get(k, set()) for k in _TAGGING_KINDS))
        await refresh_tags(conn, tagged, rules, now)
        await store.save_progress(conn, source.name, cursor, result)
    return result


def _industry_areas(rules: KeyAreaRules) -> Callable[[str | None], str]:
    """The key areas (comma-separated) an industry code alone tags an enterprise with."""
    known: dict[str | None, str] = {}  # a batch repeats few codes

    def areas(code: str | None) -> str:
        if code not in known:
            rule = rules.for_industry(code)
            known[code] = rule.key_area.value if rule is not None else ""
        return known[code]

    return areas


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


class BatchChannel:
    """Mapped batches from the reader to the writer, at most `depth` waiting.

    While the writer is busy, a batch joins the last one waiting if together they hold at
    most `limit` rows and no record twice (each version of a record is kept), so that small
    source pages (an API's) commit together: one transaction and one tag refresh instead of
    many. A batch the writer is ready for is never held back."""

    def __init__(self, limit: int, depth: int = 2) -> None:
        self._limit = limit
        self._depth = depth
        self._items: collections.deque[MappedBatch | ReadFailed | None] = collections.deque()
        self._last_keys: set[tuple[str, str]] | None = None
        self._changed = asyncio.Condition()

    async def put(self, item: MappedBatch | ReadFailed | None) -> None:
        """Hand over a batch, the error that ended reading, or None at the end."""
        async with self._changed:
            if isinstance(item, MappedBatch) and self._join(item):
                return
            await self._changed.wait_for(lambda: len(self._items) < self._depth)
            self._items.append(item)
            self._last_keys = None
            self._changed.notify_all()

    def _join(self, item: MappedBatch) -> bool:
        last = self._items[-1] if self._items else None
        if not isinstance(last, MappedBatch) or last.rows + item.rows > self._limit:
            return False
        if self._last_keys is None:
            self._last_keys = last.keys()
        keys = item.keys()
        if not self._last_keys.isdisjoint(keys):
            return False
        self._items[-1] = last.joined(item)
        self._last_keys |= keys
        return True

    async def get(self) -> MappedBatch | ReadFailed | None:
        """The next batch (or ReadFailed, or None at the end), waiting for it if need be."""
        async with self._changed:
            await self._changed.wait_for(lambda: bool(self._items))
            item = self._items.popleft()
            if not self._items:
                self._last_keys = None
            self._changed.notify_all()
            return item


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
    queue = BatchChannel(source.batch_size)
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
    queue: BatchChannel,
) -> None:
    """Read and map batches into `queue`, then None, or a ReadFailed when reading fails.

    Never waits on the queue after the writer stopped: the writer cancels it then."""
    try:
        async for batch in connector.changes(cursor):
            await queue.put(await map_batch_in_turns(mapper, batch.rows, batch.cursor))
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
    # One at a time: each source's reading and writing already overlap, and on a small machine
    # several sources at once cost more CPU (and buffer cache) than they win.
    chosen = [s for s in config.sources if only is None or s.name == only]
    reports = [await sync_source(pool, s, rules) for s in chosen]
    await refresh_statistics(pool, reports)
    return reports


async def refresh_statistics(pool: asyncpg.Pool[Any], reports: Sequence[SyncReport]) -> None:
    """Let PostgreSQL re-read the archive's statistics when these syncs changed a large share
    of it (see gateway.archive.store.refresh_statistics): once after all of them, as each
    costs a sample of every archive table."""
    changed = sum(r.result.inserted + r.result.updated for r in reports)
    if not changed:
        return
    async with pool.acquire() as conn:
        if await store.refresh_statistics(conn, changed):
            log.info("refreshed the archive's statistics after %d changed records", changed)


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
            await refresh_statistics(pool, [report])
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
