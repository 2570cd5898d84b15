"""Pruning the change feed: only its old front goes, and a cursor into the pruned part is
refused instead of silently skipping events."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.events.cursor import START
from gateway.events.feed import InvalidRead, read_events
from gateway.events.retention import prune_events
from gateway.settings import Settings, SettingsError
from tests.archive.rows import code, put_record, registration
from tests.events.support import settled

NOW = dt.datetime.now(dt.UTC)
ROOT = Path(__file__).resolve().parents[2]


async def _events(pool: asyncpg.Pool[Any], n: int) -> list[int]:
    """`n` events (one new enterprise each), in feed order; their seq numbers."""
    for i in range(n):
        await put_record(pool, registration(code(500 + i), f"汕头市留存{i}号有限公司"))
    await settled(pool)
    page = await read_events(pool, START, 1000)
    return [e.position.seq for e in page.events]


async def _age(pool: asyncpg.Pool[Any], seq: int, days: int) -> None:
    await pool.execute("UPDATE credit_events SET at = $1 WHERE seq = $2",
                       NOW - dt.timedelta(days=days), seq)


async def test_only_the_old_front_of_the_feed_is_pruned(feed_pool: asyncpg.Pool[Any]) -> None:
    seqs = await _events(feed_pool, 5)
    for seq, days in zip(seqs, (200, 190, 10, 300, 1), strict=True):
        await _age(feed_pool, seq, days)
    before = await read_events(feed_pool, START, 1000)

    assert await prune_events(feed_pool, 180, NOW) == 2
    assert await prune_events(feed_pool, 180, NOW) == 0  # the old 4th waits behind the 3rd

    kept = await read_events(feed_pool, START, 1000)
    assert [e.position.seq for e in kept.events] == seqs[2:]
    resumed = await read_events(feed_pool, before.events[1].position, 1000)  # the marker
    assert [e.position.seq for e in resumed.events] == seqs[2:]
    with pytest.raises(InvalidRead, match="pruned"):
        await read_events(feed_pool, before.events[0].position, 1000)


async def test_nothing_young_is_pruned(feed_pool: asyncpg.Pool[Any]) -> None:
    seqs = await _events(feed_pool, 2)
    for seq in seqs:
        await _age(feed_pool, seq, 0)
    assert await prune_events(feed_pool, 1, NOW) == 0
    page = await read_events(feed_pool, START, 1000)
    assert [e.position.seq for e in page.events] == seqs
    assert await feed_pool.fetchval("SELECT count(*) FROM credit_events_pruned") == 0


async def test_bad_retention_values_are_refused(feed_pool: asyncpg.Pool[Any]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        await prune_events(feed_pool, 0, NOW)
    for value in ("-1", "forever", "36501"):
        with pytest.raises(SettingsError, match="GATEWAY_EVENTS_RETENTION_DAYS"):
            Settings.from_env({"GATEWAY_EVENTS_RETENTION_DAYS": value})
    assert Settings.from_env({}).events_retention_days == 180
    assert Settings.from_env({"GATEWAY_EVENTS_RETENTION_DAYS": "0"}).events_retention_days == 0


def _cli(*args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": database_url, "GATEWAY_DATA_DIR": str(data_dir), "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
        encoding="utf-8", env=env, cwd=ROOT, timeout=120, check=False,
    )


async def test_the_prune_command(
    feed_pool: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> None:
    [seq] = await _events(feed_pool, 1)
    await _age(feed_pool, seq, 40)
    kept = _cli("events", "prune", database_url=database_url, data_dir=tmp_path)
    assert kept.returncode == 0 and "pruned 0 events older than 180 days" in kept.stdout
    pruned = _cli("events", "prune", "--days", "30", database_url=database_url, data_dir=tmp_path)
    assert pruned.returncode == 0 and "pruned 1 events older than 30 days" in pruned.stdout
    for bad in ("0", "many"):
        refused = _cli("events", "prune", "--days", bad, database_url=database_url,
                       data_dir=tmp_path)
        assert refused.returncode == 2 and "--days" in refused.stderr
