"""The refresh against a real archive: facts gathered set-based, entries started, changed and
ended, their history kept, and the refresh of a few codes touching only those."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from gateway.records import EnterpriseStatus, KeyArea
from gateway.rules.publicity import add_months, period_end
from gateway.supervision.refresh import refresh_all, refresh_enterprises
from gateway.supervision.rules import counts_on
from gateway.supervision.store import GROUNDS_GONE, WriteCounts
from tests.supervision.support import (
    DAY,
    TODAY,
    enterprise,
    penalties,
    risk,
    serious_entry,
)

FOOD = (KeyArea.FOOD_PRODUCTION,)


def first_counted_day() -> dt.date:
    """The earliest decision day that still counts today in a 24-month window."""
    day = add_months(TODAY, -25)
    while not counts_on(day, TODAY, 24):
        day += DAY
    return day


async def in_force(pool: asyncpg.Pool[Any]) -> dict[str, list[str]]:
    rows = await pool.fetch(
        "SELECT uscc, rules FROM key_supervision_entries WHERE ended_at IS NULL"
        " AND origin = 'DERIVED'")
    return {r["uscc"]: sorted(r["rules"]) for r in rows}


async def test_each_rule_on_both_sides_of_its_threshold(clean: asyncpg.Pool[Any]) -> None:
    high = await enterprise(clean, 1, key_areas=FOOD)
    await risk(clean, high, "C")
    low = await enterprise(clean, 2, key_areas=FOOD)
    await risk(clean, low, "B")
    no_area = await enterprise(clean, 3)
    await risk(clean, no_area, "D")
    gone = await enterprise(clean, 4, key_areas=FOOD, status=EnterpriseStatus.DEREGISTERED)
    await risk(clean, gone, "D")
    listed = await enterprise(clean, 5)
    await serious_entry(clean, listed, TODAY - 400 * DAY, expires_on=TODAY + DAY)
    expired = await enterprise(clean, 6)
    await serious_entry(clean, expired, TODAY - 400 * DAY, expires_on=TODAY)
    removed = await enterprise(clean, 7)
    await serious_entry(clean, removed, TODAY - 400 * DAY, removed_on=TODAY - DAY)
    oldest = first_counted_day()
    repeated = await enterprise(clean, 8)
    await penalties(clean, repeated, [oldest, TODAY - 30 * DAY, TODAY])
    too_old = await enterprise(clean, 9)
    await penalties(clean, too_old, [oldest - DAY, TODAY - 30 * DAY, TODAY])
    too_few = await enterprise(clean, 10)
    await penalties(clean, too_few, [TODAY - 60 * DAY, TODAY - 30 * DAY])
    mixed = await enterprise(clean, 11)
    await penalties(clean, mixed, [TODAY - 60 * DAY, TODAY - 30 * DAY])
    await penalties(clean, mixed, [TODAY - 10 * DAY], violation="未按规定查验原料进货")

    report = await refresh_all(clean, TODAY)

    assert await in_force(clean) == {
        high: ["KEY_AREA_HIGH_RISK"], listed: ["SERIOUS_LIST"], repeated: ["REPEATED_VIOLATIONS"]
    }
    assert report.derived == 3 and report.counts == WriteCounts(started=3, changed=0, ended=0)


async def test_the_detail_and_measures_are_stored(clean: asyncpg.Pool[Any]) -> None:
    uscc = await enterprise(clean, 1)
    ids = await penalties(clean, uscc, [TODAY - 60 * DAY, TODAY - 30 * DAY, TODAY])
    await refresh_all(clean, TODAY)
    row = await clean.fetchrow("SELECT grounds, measures FROM key_supervision_entries")
    assert row is not None
    (ground,) = row["grounds"]
    assert ground["rule"] == "REPEATED_VIOLATIONS"
    assert ground["detail"].startswith(
        f"3 penalties for 生产经营标签不符合规定的预包装食品 between {TODAY - 60 * DAY} and {TODAY}")
    numbers = await clean.fetch("SELECT payload->>'decision_number' AS n FROM records"
                                " WHERE id = ANY($1::bigint[])", [int(i) for i in ids])
    assert all(r["n"] in ground["detail"] for r in numbers)
    assert list(row["measures"]) == ["FOCUSED_INSPECTION", "INTERVIEW"]


async def test_history_start_change_and_end(clean: asyncpg.Pool[Any]) -> None:
    uscc = await enterprise(clean, 1, key_areas=FOOD)
    await risk(clean, uscc, "D")
    first = await refresh_all(clean, TODAY)
    assert first.counts == WriteCounts(started=1, changed=0, ended=0)
    again = await refresh_all(clean, TODAY)
    assert again.counts == WriteCounts(started=0, changed=0, ended=0)

    await serious_entry(clean, uscc, TODAY - DAY)
    changed = await refresh_all(clean, TODAY)
    assert changed.counts == WriteCounts(started=0, changed=1, ended=0)
    assert await in_force(clean) == {uscc: ["KEY_AREA_HIGH_RISK", "SERIOUS_LIST"]}

    await risk(clean, uscc, "B")
    await clean.execute("UPDATE records SET payload = payload || '{\"removed_on\": \"2000-01-01\"}'"
                        " WHERE kind = 'LISTING'")
    ended = await refresh_all(clean, TODAY)
    assert ended.counts == WriteCounts(started=0, changed=0, ended=1)
    assert await in_force(clean) == {}

    entry = await clean.fetchrow("SELECT id, started_at, ended_at, end_reason"
                                 " FROM key_supervision_entries")
    assert entry is not None and entry["ended_at"] >= entry["started_at"]
    assert entry["end_reason"] == GROUNDS_GONE
    events = await clean.fetch("SELECT event, grounds FROM key_supervision_events"
                               " WHERE entry_id = $1 ORDER BY id", entry["id"])
    assert [e["event"] for e in events] == ["STARTED", "CHANGED", "ENDED"]
    assert [g["rule"] for g in events[1]["grounds"]] == ["KEY_AREA_HIGH_RISK", "SERIOUS_LIST"]

    await risk(clean, uscc, "D")
    await refresh_all(clean, TODAY)
    entries = await clean.fetch("SELECT ended_at FROM key_supervision_entries ORDER BY id")
    assert [e["ended_at"] is None for e in entries] == [False, True]


async def test_refreshing_some_codes_touches_only_those(clean: asyncpg.Pool[Any]) -> None:
    one = await enterprise(clean, 1, key_areas=FOOD)
    two = await enterprise(clean, 2, key_areas=FOOD)
    for uscc in (one, two):
        await risk(clean, uscc, "D")
    await refresh_all(clean, TODAY)
    for uscc in (one, two):
        await risk(clean, uscc, "A")
    three = await enterprise(clean, 3, key_areas=FOOD)
    await risk(clean, three, "C")

    async with clean.acquire() as conn:
        report = await refresh_enterprises(conn, [one, three], TODAY)
    assert report.counts == WriteCounts(started=1, changed=0, ended=1)
    assert await in_force(clean) == {two: ["KEY_AREA_HIGH_RISK"], three: ["KEY_AREA_HIGH_RISK"]}


async def test_a_refresh_inside_the_callers_transaction_rolls_back_with_it(
    clean: asyncpg.Pool[Any],
) -> None:
    uscc = await enterprise(clean, 1, key_areas=FOOD)
    async with clean.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await conn.execute(
            "INSERT INTO risk_assessments (uscc, risk_class, score, model, assessed_at, factors)"
            " VALUES ($1, 'D', 0.9, 'm', now(), '[]'::jsonb)", uscc)
        report = await refresh_enterprises(conn, [uscc], TODAY)
        assert report.derived == 1
        await tx.rollback()
    assert await in_force(clean) == {}


async def test_manual_entries_are_left_alone(clean: asyncpg.Pool[Any]) -> None:
    uscc = await enterprise(clean, 1)
    await clean.execute(
        "INSERT INTO key_supervision_entries (uscc, origin, rules, grounds, measures,"
        " started_at, reason) VALUES ($1, 'MANUAL', '{MANUAL}',"
        " '[{\"rule\": \"MANUAL\", \"detail\": \"投诉集中\"}]', '{INTERVIEW}', now(), '投诉集中')",
        uscc)
    report = await refresh_all(clean, TODAY)
    assert report.counts == WriteCounts(started=0, changed=0, ended=0)
    assert await clean.fetchval(
        "SELECT count(*) FROM key_supervision_entries WHERE ended_at IS NULL") == 1


async def test_a_serious_entry_restarted_by_a_revoked_repair_still_counts(
    clean: asyncpg.Pool[Any],
) -> None:
    """Expired by its own date, but its repair was revoked for fraud a year ago: a new
    36-month term runs (as in the centralised publicity), so the enterprise stays listed."""
    restarted = await enterprise(clean, 12)
    entry = await serious_entry(clean, restarted, TODAY - 1220 * DAY, expires_on=TODAY - 120 * DAY)
    expired = await enterprise(clean, 13)
    await serious_entry(clean, expired, TODAY - 1220 * DAY, expires_on=TODAY - 120 * DAY)
    now = dt.datetime.now(dt.UTC)
    await clean.execute(
        "INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,"
        " applied_at, accept_due, accepted_at, decided_at, decided_on, revoked_at, revoked_on)"
        " VALUES ($1, $2, $3, 'SERIOUS_LISTING', 'REVOKED', '守信承诺', $4, $5, $4, $4, $5, $4,"
        " $6)",
        uuid.uuid4(), restarted, int(entry), now - 800 * DAY, TODAY - 730 * DAY,
        TODAY - 365 * DAY)

    await refresh_all(clean, TODAY)

    assert await in_force(clean) == {restarted: ["SERIOUS_LIST"]}
    detail = await clean.fetchval("SELECT grounds->0->>'detail' FROM key_supervision_entries")
    assert f"leaves the list on {period_end(TODAY - 365 * DAY, 36)}" in detail
