"""Working days on the official calendar (domain §4: "Working days follow China's official
calendar, including adjusted working weekends"; 2026 dates from 国办发明电〔2025〕7号)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest

from gateway.rules.calendar import WorkingCalendar, local_date

D = dt.date
LOGGER = "gateway.rules.calendar"


@pytest.mark.parametrize(
    ("day", "working", "rule"),
    [
        (D(2026, 2, 13), True, "Friday before the Spring Festival"),
        (D(2026, 2, 14), True, "Saturday made a working day for the Spring Festival"),
        (D(2026, 2, 15), False, "Spring Festival holiday, first day (Sunday)"),
        (D(2026, 2, 16), False, "Spring Festival holiday on a Monday"),
        (D(2026, 2, 23), False, "Spring Festival holiday, last day (Monday)"),
        (D(2026, 2, 24), True, "first working day after the Spring Festival"),
        (D(2026, 2, 28), True, "second adjusted working Saturday of the Spring Festival"),
        (D(2026, 3, 1), False, "ordinary Sunday"),
        (D(2026, 9, 19), False, "ordinary Saturday"),
        (D(2026, 9, 20), True, "Sunday made a working day for National Day"),
        (D(2026, 9, 25), False, "Mid-Autumn Festival on a Friday"),
        (D(2026, 9, 30), True, "Wednesday before National Day"),
        (D(2026, 10, 1), False, "National Day holiday, first day"),
        (D(2026, 10, 7), False, "National Day holiday, last day (Wednesday)"),
        (D(2026, 10, 8), True, "first working day after National Day"),
        (D(2026, 10, 10), True, "Saturday made a working day for National Day"),
        (D(2026, 10, 11), False, "ordinary Sunday"),
    ],
)
def test_official_calendar(day: dt.date, working: bool, rule: str) -> None:
    assert WorkingCalendar().is_working_day(day) is working, rule


@pytest.mark.parametrize(
    ("start", "n", "expected", "rule"),
    [
        (D(2026, 2, 13), 0, D(2026, 2, 13), "zero working days is the day itself"),
        (D(2026, 2, 13), 1, D(2026, 2, 14), "the adjusted Saturday counts"),
        (D(2026, 2, 14), 1, D(2026, 2, 24), "the Spring Festival holiday does not count"),
        (D(2026, 2, 12), 3, D(2026, 2, 24), "across the Spring Festival"),
        # 20 working days to publish (Order 45): Mon-Fri counting would give 2026-03-09.
        (D(2026, 2, 9), 20, D(2026, 3, 13), "publication deadline across the Spring Festival"),
        (D(2026, 9, 30), 1, D(2026, 10, 8), "National Day holiday does not count"),
        (D(2026, 10, 9), 1, D(2026, 10, 10), "adjusted Saturday after National Day counts"),
        # Mon-Fri counting would give 2026-10-19.
        (D(2026, 9, 21), 20, D(2026, 10, 26), "publication deadline across National Day"),
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date, rule: str) -> None:
    assert WorkingCalendar().add_working_days(start, n) == expected, rule


@pytest.mark.parametrize(
    ("start", "end", "expected", "rule"),
    [
        (D(2026, 2, 13), D(2026, 2, 13), 0, "same day"),
        (D(2026, 2, 13), D(2026, 2, 28), 6, "14th, 24th-28th; the holiday is skipped"),
        (D(2026, 2, 28), D(2026, 2, 13), -6, "reversed order gives the negative count"),
        (D(2026, 9, 30), D(2026, 10, 10), 3, "8th, 9th and the adjusted 10th"),
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, expected: int, rule: str) -> None:
    assert WorkingCalendar().working_days_between(start, end) == expected, rule


@pytest.mark.parametrize("start", [D(2026, 2, 10), D(2026, 9, 18), D(2026, 12, 24)])
@pytest.mark.parametrize("n", [0, 1, 5, 20])
def test_between_inverts_add(start: dt.date, n: int) -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative, got -1"):
        WorkingCalendar().add_working_days(D(2026, 1, 5), -1)


def test_fallback_past_the_data_counts_weekdays_and_warns_once_per_year(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar = WorkingCalendar()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        # 2099-01-01 is a Thursday: the official calendar would make it a holiday, but the
        # package has no 2099 data, so Monday-Friday counting applies.
        assert calendar.is_working_day(D(2099, 1, 1)) is True
        assert calendar.is_working_day(D(2099, 1, 3)) is False  # Saturday
        assert calendar.add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)
        assert calendar.is_working_day(D(2098, 6, 2)) is True  # a Monday, another year
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in warnings] == [
        "the official holiday calendar has no data for 2099",
        "the official holiday calendar has no data for 2098",
    ]


def test_fallback_before_the_data(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert WorkingCalendar().is_working_day(D(2003, 1, 1)) is True  # a Wednesday
    assert "no data for 2003" in caplog.text


def test_configured_days_override_the_official_calendar(caplog: pytest.LogCaptureFixture) -> None:
    calendar = WorkingCalendar(
        extra_holidays=frozenset({D(2099, 1, 1), D(2026, 3, 2)}),
        extra_workdays=frozenset({D(2099, 1, 3), D(2026, 2, 16)}),
    )
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert calendar.is_working_day(D(2099, 1, 1)) is False
        assert calendar.is_working_day(D(2099, 1, 3)) is True
    assert caplog.records == []  # configured days need no fallback
    assert calendar.is_working_day(D(2026, 3, 2)) is False
    assert calendar.is_working_day(D(2026, 2, 16)) is True


@pytest.mark.parametrize(
    ("holidays", "workdays", "message"),
    [
        (
            frozenset({D(2027, 1, 1)}),
            frozenset({D(2027, 1, 1)}),
            "both as holiday and as working day: 2027-01-01",
        ),
        (frozenset({"2027-01-01"}), frozenset(), "extra_holidays: '2027-01-01' is not a date"),
        (frozenset(), frozenset({dt.datetime(2027, 1, 2, 9)}), "extra_workdays: datetime"),
    ],
)
def test_bad_configured_days(
    holidays: frozenset[object], workdays: frozenset[object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        WorkingCalendar(holidays, workdays)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 16:00 UTC is midnight in Shanghai: the day Order 107 comes into force.
        (dt.datetime(2025, 12, 24, 15, 59, tzinfo=dt.UTC), D(2025, 12, 24)),
        (dt.datetime(2025, 12, 24, 16, 0, tzinfo=dt.UTC), D(2025, 12, 25)),
    ],
)
def test_local_date_is_shanghai(instant: dt.datetime, expected: dt.date) -> None:
    assert local_date(instant) == expected


def test_local_date_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="2025-12-25T00:00:00 has no time zone"):
        local_date(dt.datetime(2025, 12, 25))
