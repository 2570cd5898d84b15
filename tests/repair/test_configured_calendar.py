"""Extra holidays configured in RULES_CONFIG move the live repair deadlines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.rules.calendar import DEFAULT_CALENDAR, WorkingCalendar
from tests.archive.rows import put_record
from tests.lists.support import DAY, TODAY, enterprise
from tests.repair.test_api import ACCEPT, APPLY, _apply, _data, _general
from tests.schema.conftest import client_with_rules, graphql


def _next_working_day() -> Any:
    day = TODAY + DAY
    while not DEFAULT_CALENDAR.is_working_day(day):
        day += DAY
    return day


@pytest.fixture
async def configured(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway in process with the next working day configured as a holiday."""
    path = tmp_path / "rules.toml"
    path.write_text(f'[calendar]\nextra_holidays = ["{_next_working_day()}"]\n', "utf-8")
    async with client_with_rules(clean_archive, database_url, path) as client:
        yield client


async def test_an_extra_holiday_moves_the_acceptance_and_decision_deadlines(
    configured: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 12)
    target = await put_record(clean_archive,
                              _general(uscc, "汕市监罚〔2026〕31号", TODAY - 150 * DAY))
    calendar = WorkingCalendar(frozenset({_next_working_day()}))

    applied = _data(await graphql(configured, APPLY, _apply(uscc, target)), "applyCreditRepair")
    assert applied["acceptDue"] == calendar.add_working_days(TODAY, 2).isoformat()
    assert applied["acceptDue"] != DEFAULT_CALENDAR.add_working_days(TODAY, 2).isoformat()
    accepted = _data(await graphql(configured, ACCEPT, {"id": applied["id"]}),
                     "acceptCreditRepair")
    assert accepted["decideDue"] == calendar.add_working_days(TODAY, 7).isoformat()
