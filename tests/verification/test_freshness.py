"""The verification's read of profiles and freshness in one round trip matches the separate
reads: the same profiles, the same freshness per source, instants in UTC; and a code's
on-demand fetch counts for that code and source only, when later than the source's sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from adapters.config import SourceConfig, SourcesConfig
from gateway.archive.profile import load_profiles
from gateway.freshness import SourceFreshness
from gateway.verification.freshness import current_freshness, current_profiles_and_freshness
from tests.archive.rows import code, penalty, put_record, registration

NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


async def test_profiles_and_freshness_read_together_equal_the_separate_reads(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    known, fetched, unknown = code(1), code(2), code(3)
    for uscc in (known, fetched):
        await put_record(clean_archive, registration(uscc, f"汕头市企业{uscc[-3:]}有限公司"))
    await put_record(clean_archive, penalty(known, "汕市监罚〔2026〕1号", dt.date(2026, 5, 1)))
    await clean_archive.execute(
        "INSERT INTO sources (name, department, kind, last_success_at) VALUES "
        "('licensing', '行政审批', 'http', $1), ('enforcement', '执法稽查', 'file', $2), "
        "('gateway', '市场监管局', 'gateway', $1)", NOW - DAY / 2, NOW - 3 * DAY)
    await clean_archive.execute(
        "INSERT INTO source_refreshes (uscc, source, fetched_at) VALUES ($1, 'enforcement', $2)",
        fetched, NOW - dt.timedelta(hours=1))
    config = _config("licensing", "enforcement", "inspection")
    codes = [known, fetched, unknown]
    async with clean_archive.acquire() as conn:
        # A connection in another time zone: instants must still come back in UTC.
        await conn.execute("SET TimeZone = 'Asia/Shanghai'")
        profiles, fresh = await current_profiles_and_freshness(conn, codes, NOW, DAY, config)
        assert profiles == await load_profiles(conn, codes)
        assert fresh == await current_freshness(conn, codes, NOW, DAY, config)
        await conn.execute("RESET TimeZone")
    assert set(profiles) == {known, fetched}
    never = SourceFreshness("inspection", "inspection", None, True)
    assert fresh[known] == [
        SourceFreshness("enforcement", "执法稽查", NOW - 3 * DAY, True),
        SourceFreshness("licensing", "行政审批", NOW - DAY / 2, False),
        never,
    ]
    assert fresh[fetched][0] == SourceFreshness(
        "enforcement", "执法稽查", NOW - dt.timedelta(hours=1), False)
    assert fresh[unknown] == fresh[known]
    assert all(s.synced_at is None or s.synced_at.tzinfo is dt.UTC
               for sources in fresh.values() for s in sources)


async def test_an_on_demand_fetch_counts_only_when_later_and_only_for_its_code_and_source(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    early, late, other, never = code(4), code(5), code(6), code(7)
    await clean_archive.execute(
        "INSERT INTO sources (name, department, kind, last_success_at) VALUES "
        "('licensing', '行政审批', 'http', $1), ('registration', '登记注册', 'postgres', NULL), "
        "('gateway', '市场监管局', 'gateway', $1)", NOW - DAY / 2)
    await clean_archive.execute(
        "INSERT INTO source_refreshes (uscc, source, fetched_at) VALUES "
        "($1, 'licensing', $3), ($2, 'licensing', $4), ($2, 'registration', $4), "
        "($5, 'gateway', $4), ($5, 'inspection', $4)",
        early, late, NOW - 2 * DAY, NOW - dt.timedelta(minutes=5), other)
    async with clean_archive.acquire() as conn:
        fresh = await current_freshness(
            conn, [early, late, other, never], NOW, DAY, _config("licensing", "inspection"))
    synced = SourceFreshness("licensing", "行政审批", NOW - DAY / 2, False)
    unsynced = SourceFreshness("registration", "登记注册", None, True)
    not_started = SourceFreshness("inspection", "inspection", None, True)
    # A fetch older than the source's last sync changes nothing; a later one is the code's own.
    assert fresh[early] == [synced, unsynced, not_started]
    assert fresh[late] == [
        SourceFreshness("licensing", "行政审批", NOW - dt.timedelta(minutes=5), False),
        SourceFreshness("registration", "登记注册", NOW - dt.timedelta(minutes=5), False),
        not_started,
    ]
    # Fetches recorded for the gateway itself or for a source that never started are no source
    # of this code's data; and no other code borrows a code's fetch.
    assert fresh[other] == fresh[never] == fresh[early]


def _config(*names: str) -> SourcesConfig:
    return SourcesConfig(sources=tuple(
        SourceConfig(name=name, department=name, connector="http", interval=DAY, max_age=DAY,
                     batch_size=100, timeout=5.0, feeds=(), options={})
        for name in names))
