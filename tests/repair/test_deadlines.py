"""Deadlines of the repair procedure on the official working-day calendar."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from gateway.repair import deadlines
from gateway.rules.calendar import WorkingCalendar

D = dt.date


@pytest.mark.parametrize(
    ("step", "day", "due"),
    [
        # National Day 2026: 10-01..10-07 off; Saturday 10-10 is an adjusted working day.
        (deadlines.accept_due, D(2026, 9, 30), D(2026, 10, 9)),
        (deadlines.decide_due, D(2026, 9, 30), D(2026, 10, 15)),
        (deadlines.update_due, D(2026, 9, 30), D(2026, 10, 10)),
        # An ordinary week: Friday + 2 working days is Tuesday.
        (deadlines.accept_due, D(2026, 11, 20), D(2026, 11, 24)),
        (deadlines.decide_due, D(2026, 11, 20), D(2026, 12, 1)),
        (deadlines.extended_due, D(2026, 12, 1), D(2026, 12, 15)),
    ],
)
def test_due_dates_follow_the_official_calendar(step: object, day: D, due: D) -> None:
    assert callable(step)
    assert step(day, WorkingCalendar()) == due


def test_years_without_data_fall_back_to_weekdays_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar = WorkingCalendar()
    with caplog.at_level(logging.WARNING, logger="gateway.rules.calendar"):
        # 2030-01-04 is a Friday: Monday 7 and Tuesday 8 are the two working days.
        assert deadlines.accept_due(D(2030, 1, 4), calendar) == D(2030, 1, 8)
        assert deadlines.accept_due(D(2030, 1, 7), calendar) == D(2030, 1, 9)
    warnings = [r for r in caplog.records if "2030" in r.getMessage()]
    assert len(warnings) == 1


def test_configured_extra_holidays_push_the_deadline() -> None:
    calendar = WorkingCalendar(extra_holidays=frozenset({D(2030, 1, 7)}))
    assert deadlines.accept_due(D(2030, 1, 4), calendar) == D(2030, 1, 9)
