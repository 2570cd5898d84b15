"""Reassessment when records change: a step over the change feed, the lock that lets several
processes share the work, and the background task of a served gateway."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from gateway.clock import utcnow
from gateway.records import KeyArea, ListKind
from gateway.risk.config import load_models
from gateway.risk.follow import follow_changes, reassess_changes, start_reassessing
from gateway.risk.recompute import recompute_all
from gateway.rules.calendar import local_date
from gateway.rules.ruleset import DEFAULT_RULES
from gateway.settings import Settings
from tests.archive.rows import code, listing, penalty, put_record, registration
from tests.events.support import settled

MODELS = load_models()


async def _from_now(pool: asyncpg.Pool[Any]) -> None:
    """Start the reassessment at the feed's horizon (the session's earlier events skipped)."""
    await pool.execute(
        "UPDATE risk_feed_position SET xid = pg_snapshot_xmin(pg_current_snapshot()), seq = 0")


async def _step(pool: asyncpg.Pool[Any]) -> tuple[int, bool] | None:
    """One step, once the feed lists everything committed so far."""
    await settled(pool)
    async with pool.acquire() as conn:
        return await reassess_changes(conn, MODELS, DEFAULT_RULES)


async def _class_of(pool: asyncpg.Pool[Any], uscc: str) -> str | None:
    found: str | None = await pool.fetchval(
        "SELECT risk_class FROM risk_assessments WHERE uscc = $1", uscc)
    return found


async def test_a_changed_enterprise_is_reassessed(clean_archive: asyncpg.Pool[Any]) -> None:
    await _from_now(clean_archive)
    uscc, other = code(21), code(22)
    await put_record(clean_archive, registration(other, "汕头市旁观贸易有限公司"))
    await put_record(clean_archive, registration(uscc, "汕头市变化贸易有限公司"))
    assert await _step(clean_archive) == (2, False)
    assert await _class_of(clean_archive, uscc) == "A"
    first = await _assessed_at(clean_archive, other)
    assert await _step(clean_archive) == (0, False)  # nothing new
    today = local_date(utcnow())
    await put_record(clean_archive, penalty(uscc, "汕市监罚〔2026〕5号", today))
    await put_record(clean_archive, listing(uscc, ListKind.ABNORMAL_OPERATIONS, today))
    assert await _step(clean_archive) == (2, False)
    assert await _class_of(clean_archive, uscc) == "D"
    history = await clean_archive.fetchval(
        "SELECT count(*) FROM risk_assessment_history WHERE uscc = $1", uscc)
    assert history == 2
    assert await _assessed_at(clean_archive, other) == first  # untouched: not reassessed


async def _assessed_at(pool: asyncpg.Pool[Any], uscc: str) -> Any:
    return await pool.fetchval("SELECT assessed_at FROM risk_assessments WHERE uscc = $1", uscc)


async def test_pages_are_followed_until_the_feed_is_read(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await _from_now(clean_archive)
    for n in range(5):
        await put_record(clean_archive, registration(code(30 + n), f"企业{n}"))
    await settled(clean_archive)
    async with clean_archive.acquire() as conn:
        assert await reassess_changes(conn, MODELS, DEFAULT_RULES, page_size=2) == (2, True)
    stop = asyncio.Event()
    task = asyncio.create_task(follow_changes(clean_archive, MODELS, DEFAULT_RULES, stop, 0.05))
    try:
        for _ in range(1200):
            if await clean_archive.fetchval("SELECT count(*) FROM risk_assessments") == 5:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert await clean_archive.fetchval("SELECT count(*) FROM risk_assessments") == 5


async def test_another_process_holding_the_position_is_left_alone(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await _from_now(clean_archive)
    uscc = code(41)
    await put_record(clean_archive, registration(uscc, "汕头市排队贸易有限公司"))
    async with clean_archive.acquire() as holder, holder.transaction():
        await holder.execute("SELECT * FROM risk_feed_position FOR UPDATE")
        assert await _step(clean_archive) is None
        assert await _class_of(clean_archive, uscc) is None
    assert await _step(clean_archive) == (1, False)
    assert await _class_of(clean_archive, uscc) == "A"


async def test_a_failed_step_moves_nothing(clean_archive: asyncpg.Pool[Any]) -> None:
    await _from_now(clean_archive)
    before = await clean_archive.fetchrow("SELECT xid::text, seq FROM risk_feed_position")
    await put_record(clean_archive, registration(code(42), "汕头市失败贸易有限公司"))
    await settled(clean_archive)
    async with clean_archive.acquire() as conn:
        await conn.execute("CREATE TEMP TABLE risk_incoming (x int)")  # makes the write fail
        try:
            await reassess_changes(conn, MODELS, DEFAULT_RULES)
        except asyncpg.PostgresError:
            pass
        else:
            raise AssertionError("the step should have failed")
        finally:
            await conn.execute("DROP TABLE risk_incoming")
    assert await clean_archive.fetchrow("SELECT xid::text, seq FROM risk_feed_position") == before
    assert await clean_archive.fetchval("SELECT count(*) FROM risk_assessments") == 0




async def test_the_setting_turns_the_task_off(clean_archive: asyncpg.Pool[Any]) -> None:
    stop = asyncio.Event()
    off = Settings.from_env({"GATEWAY_RISK_FOLLOW": "false"})
    assert start_reassessing(off, clean_archive, MODELS, DEFAULT_RULES, stop) is None
    task = start_reassessing(Settings.from_env({}), clean_archive, MODELS, DEFAULT_RULES, stop)
    assert task is not None
    stop.set()
    await asyncio.wait_for(task, 10)


async def _key_supervision_rules(pool: asyncpg.Pool[Any], uscc: str) -> list[str]:
    rows = await pool.fetch("SELECT rules FROM key_supervision_entries WHERE uscc = $1"
                            " AND ended_at IS NULL", uscc)
    return sorted(rule for row in rows for rule in row["rules"])


async def test_a_key_area_enterprise_turned_high_risk_enters_the_key_supervision_list(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await clean_archive.execute("TRUNCATE key_supervision_events, key_supervision_entries")
    await _from_now(clean_archive)
    uscc = code(41)
    await put_record(clean_archive, registration(uscc, "汕头市食品制造有限公司"),
                     key_areas=(KeyArea.FOOD_PRODUCTION,))
    assert await _step(clean_archive) == (1, False)
    assert await _class_of(clean_archive, uscc) == "A"
    assert await _key_supervision_rules(clean_archive, uscc) == []
    today = local_date(utcnow())
    await put_record(clean_archive, penalty(uscc, "汕市监罚〔2026〕6号", today))
    await put_record(clean_archive, listing(uscc, ListKind.ABNORMAL_OPERATIONS, today))
    await _step(clean_archive)
    assert await _class_of(clean_archive, uscc) == "D"
    assert await _key_supervision_rules(clean_archive, uscc) == ["KEY_AREA_HIGH_RISK"]


async def test_a_position_behind_the_pruned_feed_goes_on_from_the_oldest_event_kept(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await clean_archive.execute("TRUNCATE credit_events_pruned")
    await clean_archive.execute("UPDATE risk_feed_position SET xid = '1'::xid8, seq = 0")
    uscc = code(42)
    await put_record(clean_archive, registration(uscc, "汕头市落后贸易有限公司"))
    await settled(clean_archive)
    await clean_archive.execute(
        "INSERT INTO credit_events_pruned (xid, seq, pruned_at)"
        " SELECT xid, seq, now() FROM credit_events ORDER BY xid, seq LIMIT 1")
    try:
        step = await _step(clean_archive)
        assert step is not None and step[0] >= 1  # not refused: it went on from the start
        for _ in range(1000):  # the session's earlier events come first
            if step is None or not step[1]:
                break
            step = await _step(clean_archive)
        assert await _class_of(clean_archive, uscc) == "A"
    finally:
        await clean_archive.execute("TRUNCATE credit_events_pruned")


async def test_a_full_recompute_lets_the_follower_skip_what_it_covered(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await clean_archive.execute("UPDATE risk_feed_position SET xid = '1'::xid8, seq = 0")
    await put_record(clean_archive, registration(code(43), "汕头市重算贸易有限公司"))
    await settled(clean_archive)
    await recompute_all(clean_archive, MODELS)
    assert await _step(clean_archive) == (0, False)
