"""The statements a page of the list or of the cases costs do not grow with its size."""

from __future__ import annotations

from typing import Any

import asyncpg

from gateway.records import KeyArea
from gateway.supervision.refresh import refresh_all
from tests.archive.rows import penalty, put_record
from tests.schema.test_round_trips import Counted, counted  # noqa: F401 (the fixture)
from tests.supervision.support import (
    DAY,
    KEY_SUPERVISION,
    TODAY,
    TYPICAL_CASES,
    enterprise,
    risk,
)


async def seed(pool: asyncpg.Pool[Any], numbers: range) -> None:
    """Enterprises on the list, each with a penalty that is a typical case."""
    for n in numbers:
        uscc = await enterprise(pool, n, key_areas=(KeyArea.FOOD_PRODUCTION,))
        await risk(pool, uscc, "D")
        penalty_id = await put_record(pool, penalty(uscc, f"汕市监罚〔2026〕{n}号",
                                                    TODAY - n * DAY))
        await pool.execute(
            "INSERT INTO typical_cases (penalty_pk, title, summary, marked_at)"
            " VALUES ($1, '案例', '摘要', now())", int(penalty_id))
    await refresh_all(pool, TODAY)


async def test_pages_cost_the_same_for_more_rows(
    counted: Counted, clean: asyncpg.Pool[Any]  # noqa: F811
) -> None:
    await seed(clean, range(1, 3))
    small = (await counted.count(KEY_SUPERVISION, {"first": 50}),
             await counted.count(TYPICAL_CASES, {"first": 50}))
    await seed(clean, range(3, 12))
    large = (await counted.count(KEY_SUPERVISION, {"first": 50}),
             await counted.count(TYPICAL_CASES, {"first": 50}))
    assert small == large
    assert small == (2, 4)  # page and count; cases and their profiles, twice
