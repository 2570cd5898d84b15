"""Start and stop the components of one gateway process."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from adapters.config import SourcesConfig, load_sources_config
from auth.access import start_access
from gateway.audit.writer import AuditWriter
from gateway.database import create_pool, resolve_url
from gateway.events.hub import FeedHub
from gateway.events.retention import prune_periodically
from gateway.keyareas import DEFAULT_RULES, KeyAreaRules, load_rules
from gateway.migrate import migrate
from gateway.refresh import SourceRefresher
from gateway.risk.config import configured_models
from gateway.risk.follow import start_reassessing
from gateway.rules.config import DEFAULT_RULES_CONFIG, RulesConfig, load_rules_config
from gateway.services import Services
from gateway.settings import Settings
from gateway.sync import run_periodically
from gateway.verification.service import Verifier


async def archive_url(settings: Settings) -> str:
    """The archive's URL, starting the embedded server when none is configured."""
    return await asyncio.to_thread(resolve_url, settings.database_url, settings.data_dir)


async def open_archive(settings: Settings) -> asyncpg.Pool[Any]:
    """A pool on the archive (starting the embedded server if needed), migrated."""
    pool = await create_pool(await archive_url(settings))
    async with pool.acquire() as conn:
        await migrate(conn)
    return pool


def load_sources(settings: Settings) -> SourcesConfig | None:
    """The configured sources, or None when SOURCES_CONFIG is not set."""
    if settings.sources_config is None:
        return None
    return load_sources_config(settings.sources_config, os.environ)


def load_rule_sets(settings: Settings) -> RulesConfig:
    """The rule sets and working-day calendar, with the configured corrections if any."""
    if settings.rules_config is None:
        return DEFAULT_RULES_CONFIG
    return load_rules_config(settings.rules_config)


def load_key_area_rules(settings: Settings) -> KeyAreaRules:
    """The configured key-area rules, or the built-in ones."""
    return DEFAULT_RULES if settings.key_area_rules is None else load_rules(settings.key_area_rules)


@contextlib.asynccontextmanager
async def start_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the archive, the sources and the background sync; close them on exit."""
    sources = load_sources(settings)
    rules = load_key_area_rules(settings)
    rule_sets = load_rule_sets(settings)
    risk_models = configured_models(settings.risk_models)
    # The background sync holds its connections (and locks) for whole runs: a pool of its own.
    url = await archive_url(settings)
    pool = await create_pool(url)
    async with pool.acquire() as conn:
        await migrate(conn)
    refresher = None
    if sources is not None:
        refresher = SourceRefresher(pool, sources, rules, settings.refresh_timeout)
    stop = asyncio.Event()
    background = None
    if sources is not None and settings.sync_enabled:
        # Each source's sync holds a connection (and its lock) for its whole run.
        sync_pool = await create_pool(url, min_size=1, max_size=len(sources.sources) + 1)
        background = asyncio.create_task(_sync_until(sync_pool, sources, rules, stop))
    reassessing = start_reassessing(settings, pool, risk_models, rule_sets.rules, stop)
    pruning = _start_pruning(settings, pool, stop)
    feed_hub = FeedHub(pool)
    try:
        async with start_access(settings, pool, url) as access, _audit(settings, pool) as audit:
            yield Services(
                settings=settings,
                pool=pool,
                sources=sources,
                refresher=refresher,
                key_area_rules=rules,
                rules=rule_sets,
                access=access,
                audit=audit,
                verifier=Verifier(
                    pool,
                    lambda: access.token_server.keys,
                    settings.issuer,
                    dt.timedelta(seconds=settings.verification_max_staleness),
                    sources,
                    rule_sets,
                ),
                feed_hub=feed_hub,
            )
    finally:
        stop.set()
        if background is not None:
            await _stop(background)
        if reassessing is not None:
            await _stop(reassessing)
        if pruning is not None:
            await _stop(pruning)
        if refresher is not None:
            await refresher.aclose()
        await feed_hub.aclose()
        await pool.close()


@contextlib.asynccontextmanager
async def _audit(settings: Settings, pool: asyncpg.Pool[Any]) -> AsyncIterator[AuditWriter | None]:
    """The audit writer (None when auditing is off); flushed before the pool closes."""
    if not settings.audit_enabled:
        yield None
        return
    writer = AuditWriter(pool)
    await writer.start()
    try:
        yield writer
    finally:
        await writer.aclose()


async def _sync_until(
    pool: asyncpg.Pool[Any], sources: SourcesConfig, rules: KeyAreaRules, stop: asyncio.Event
) -> None:
    try:
        await run_periodically(pool, sources, rules, stop)
    finally:
        await pool.close()


def _start_pruning(
    settings: Settings, pool: asyncpg.Pool[Any], stop: asyncio.Event
) -> asyncio.Task[None] | None:
    """The change feed's pruning, unless it keeps events for ever."""
    if settings.events_retention_days == 0:
        return None
    return asyncio.create_task(prune_periodically(pool, settings.events_retention_days, stop))


async def _stop(task: asyncio.Task[None], grace: float = 10.0) -> None:
    """Let a running sync batch commit, then cancel what is left."""
    await asyncio.wait({task}, timeout=grace)
    if not task.done():
        task.cancel()
        await asyncio.wait({task})
