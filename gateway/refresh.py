"""On-demand refresh: before serving a profile, fetch sources whose copy is too old."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg

from adapters.base import Connector, FetchUnsupported, SourceUnavailable
from adapters.config import SourceConfig, SourcesConfig
from adapters.connectors import open_connector
from adapters.mapping import Mapper
from gateway.archive import store
from gateway.archive.status import archive_freshness
from gateway.clock import utcnow
from gateway.freshness import SourceFreshness
from gateway.keyareas import KeyAreaRules
from gateway.sync import ingest, map_batch

log = logging.getLogger(__name__)


class SourceRefresher:
    """Fetches one enterprise from each out-of-date source, within `timeout` seconds in all."""

    def __init__(
        self, pool: asyncpg.Pool[Any], config: SourcesConfig, rules: KeyAreaRules, timeout: float
    ) -> None:
        self._pool = pool
        self._config = config
        self._rules = rules
        self._timeout = timeout
        self._connectors: dict[str, Connector] = {}
        self._mappers = {s.name: Mapper(s) for s in config.sources}
        self._cannot_fetch: set[str] = set()
        self._cut_off: set[asyncio.Task[bool]] = set()
        """Refreshes cancelled by the timeout that may still be rolling back."""

    async def ensure_fresh(self, uscc: str) -> Sequence[SourceFreshness]:
        """Refresh what is older than each source's max age; report every source's freshness."""
        now = utcnow()
        before = (await archive_freshness(self._pool, [uscc], self._config, now=now))[uscc]
        configured = {s.name: s for s in self._config.sources}
        due = [
            configured[f.source]
            for f in before
            if f.stale and f.source in configured and f.source not in self._cannot_fetch
        ]
        if not due:
            return before
        refreshed = set(await self._refresh_all(due, uscc, now))
        return [
            SourceFreshness(f.source, f.department, now, stale=False)
            if f.source in refreshed
            else f
            for f in before
        ]

    async def _refresh_all(self, due: list[SourceConfig], uscc: str, now: dt.datetime) -> list[str]:
        tasks = {asyncio.create_task(self._refresh(s, uscc, now)): s.name for s in due}
        done, pending = await asyncio.wait(tasks, timeout=self._timeout)
        for task in pending:
            task.cancel()
            self._cut_off.add(task)
            task.add_done_callback(self._cut_off.discard)
            log.warning("refresh of %s from %s timed out", uscc, tasks[task])
        return [tasks[t] for t in done if _succeeded(t, uscc, tasks[t])]

    async def _refresh(self, source: SourceConfig, uscc: str, now: dt.datetime) -> bool:
        try:
            rows = await self._connector(source).fetch([uscc])
        except FetchUnsupported:
            self._cannot_fetch.add(source.name)
            return False
        except SourceUnavailable as exc:
            log.warning("refresh of %s from %s failed: %s", uscc, source.name, exc)
            return False
        batch = map_batch(self._mappers[source.name], rows, None)
        # One transaction: a refresh cut off by the timeout writes nothing at all.
        async with self._pool.acquire() as conn, conn.transaction():
            await ingest(conn, source, batch, self._rules)
            await store.mark_fetched(conn, source.name, [uscc], now)
        return True

    def _connector(self, source: SourceConfig) -> Connector:
        if source.name not in self._connectors:
            self._connectors[source.name] = open_connector(source)
        return self._connectors[source.name]

    async def aclose(self) -> None:
        """Wait for cut-off refreshes to roll back, then close every connector."""
        if self._cut_off:
            await asyncio.wait(self._cut_off)
        for connector in self._connectors.values():
            await connector.aclose()
        self._connectors.clear()


def _succeeded(task: asyncio.Task[bool], uscc: str, source: str) -> bool:
    """Whether a finished refresh wrote the enterprise; an unexpected error is logged."""
    if task.cancelled():
        return False
    error = task.exception()
    if error is not None:
        log.error("refresh of %s from %s failed", uscc, source, exc_info=error)
        return False
    return task.result()
