from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest

from adapters.config import SourceConfig, SourcesConfig
from gateway.archive.status import (
    DEFAULT_MAX_AGE,
    SourceState,
    archive_freshness,
    source_state,
    source_statuses,
)
from tests.archive.rows import code

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)
INTERVAL, MAX_AGE = 5 * MIN, 60 * MIN


def source(name: str, department: str, connector: str = "http") -> SourceConfig:
    return SourceConfig(
        name=name, department=department, connector=connector, interval=INTERVAL,
        max_age=MAX_AGE, batch_size=500, timeout=10.0, feeds=(), options={},
    )


CONFIG = SourcesConfig(sources=(source("registration", "登记注册", "postgres"),
                                source("licensing", "行政许可")))


@pytest.mark.parametrize(
    ("attempt", "success", "error", "state"),
    [
        (None, None, None, SourceState.DOWN),  # never attempted
        (NOW - MIN, None, "timeout", SourceState.DOWN),  # never succeeded
        (NOW - MIN, NOW - MIN, None, SourceState.HEALTHY),
        (NOW - 10 * MIN, NOW - 10 * MIN, None, SourceState.HEALTHY),  # two intervals: on time
        (NOW - 11 * MIN, NOW - 11 * MIN, None, SourceState.DEGRADED),  # late
        (NOW - MIN, NOW - 6 * MIN, "refused", SourceState.DEGRADED),  # failing, data fresh
        (NOW - MIN, NOW - 60 * MIN, "refused", SourceState.DEGRADED),  # at max age
        (NOW - MIN, NOW - 61 * MIN, "refused", SourceState.DOWN),  # failing beyond max age
        (NOW - 61 * MIN, NOW - 61 * MIN, None, SourceState.DOWN),  # sync stopped long ago
    ],
)
def test_source_state(
    attempt: dt.datetime | None, success: dt.datetime | None, error: str | None,
    state: SourceState,
) -> None:
    assert source_state(last_attempt_at=attempt, last_success_at=success, last_error=error,
                        interval=INTERVAL, max_age=MAX_AGE, now=NOW) is state


def test_a_source_on_schedule_is_healthy_even_if_its_interval_exceeds_max_age() -> None:
    hourly = dt.timedelta(hours=1)
    success = NOW - 90 * MIN
    assert source_state(last_attempt_at=success, last_success_at=success, last_error=None,
                        interval=hourly, max_age=30 * MIN, now=NOW) is SourceState.HEALTHY
    assert source_state(last_attempt_at=NOW, last_success_at=success, last_error="refused",
                        interval=hourly, max_age=30 * MIN, now=NOW) is SourceState.DEGRADED


async def _sources_rows(pool: asyncpg.Pool[Any]) -> None:
    await pool.executemany(
        "INSERT INTO sources (name, department, kind, last_attempt_at, last_success_at,"
        " last_error, record_count) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            ("registration", "登记注册(旧)", "postgres", NOW - MIN, NOW - MIN, None, 1200),
            ("retired", "旧系统", "file", NOW - 2 * MAX_AGE, NOW - 2 * MAX_AGE, None, 7),
        ],
    )


async def test_statuses_of_configured_and_table_only_sources(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await _sources_rows(clean_archive)
    statuses = await source_statuses(clean_archive, CONFIG, now=NOW)
    assert [s.name for s in statuses] == ["registration", "licensing", "retired"]
    registration, licensing, retired = statuses
    assert registration.department == "登记注册"  # the configuration's name wins
    assert (registration.kind, registration.state) == ("postgres", SourceState.HEALTHY)
    assert (registration.lag_seconds, registration.record_count) == (60, 1200)
    assert registration.last_success_at == NOW - MIN
    assert (licensing.state, licensing.lag_seconds, licensing.record_count) == (
        SourceState.DOWN, None, 0)
    assert licensing.kind == "http"
    assert (retired.department, retired.kind, retired.state) == ("旧系统", "file", SourceState.DOWN)
    assert retired.lag_seconds == int(2 * MAX_AGE.total_seconds())


async def test_statuses_without_configuration(clean_archive: asyncpg.Pool[Any]) -> None:
    assert await source_statuses(clean_archive, None, now=NOW) == []
    await _sources_rows(clean_archive)
    assert [s.name for s in await source_statuses(clean_archive, None, now=NOW)] == [
        "registration", "retired"]


async def test_freshness_is_the_later_of_sync_and_fetch(clean_archive: asyncpg.Pool[Any]) -> None:
    await _sources_rows(clean_archive)
    fetched, other = code(1), code(2)
    await clean_archive.execute(
        "INSERT INTO source_refreshes (uscc, source, fetched_at) VALUES ($1, 'retired', $2)",
        fetched, NOW - 5 * MIN,
    )
    found = await archive_freshness(clean_archive, [fetched, other], CONFIG, now=NOW)
    by_source = {f.source: f for f in found[fetched]}
    assert list(by_source) == ["registration", "licensing", "retired"]
    assert by_source["registration"].synced_at == NOW - MIN
    assert not by_source["registration"].stale
    assert by_source["licensing"].synced_at is None and by_source["licensing"].stale
    assert by_source["retired"].synced_at == NOW - 5 * MIN and not by_source["retired"].stale
    retired_other = {f.source: f for f in found[other]}["retired"]
    assert retired_other.synced_at == NOW - 2 * MAX_AGE and retired_other.stale
    assert 2 * MAX_AGE > DEFAULT_MAX_AGE


async def test_freshness_of_no_codes(clean_archive: asyncpg.Pool[Any]) -> None:
    assert await archive_freshness(clean_archive, [], CONFIG, now=NOW) == {}
