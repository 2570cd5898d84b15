"""Working days on China's official calendar, and the local date rules are judged on.

Statutory time limits (publication within 20 working days, listing decisions within 10, ...)
count working days as the State Council's yearly holiday notice sets them, including the
weekend days turned into working days around long holidays. The `chinese-calendar` package
carries those notices; for a year it has no data for, the calendar counts Monday to Friday and
logs one warning for that year, until the package is upgraded or the missing holidays are
configured as `extra_holidays` / `extra_workdays`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import chinese_calendar

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = dt.timedelta(days=1)


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar date of an instant in China (Asia/Shanghai): the 'today' rules use."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"instant {instant.isoformat()} has no time zone; rules need one")
    return instant.astimezone(SHANGHAI).date()


class WorkingCalendar:
    """Working days: the official calendar, corrected by configured extra days."""

    __slots__ = ("_cache", "_extra_holidays", "_extra_workdays", "_warned_years")

    def __init__(
        self,
        extra_holidays: frozenset[dt.date] = frozenset(),
        extra_workdays: frozenset[dt.date] = frozenset(),
    ) -> None:
        self._extra_holidays = _plain_dates("extra_holidays", extra_holidays)
        self._extra_workdays = _plain_dates("extra_workdays", extra_workdays)
        both = self._extra_holidays & self._extra_workdays
        if both:
            days = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates configured both as holiday and as working day: {days}")
        self._cache: dict[dt.date, bool] = {}
        self._warned_years: set[int] = set()

    def is_working_day(self, day: dt.date) -> bool:
        """True on a working day (adjusted working weekends included)."""
        known = self._cache.get(day)
        if known is None:
            known = self._decide(day)
            self._cache[day] = known
        return known

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (`day` itself is not counted; n = 0 gives `day`)."""
        if n < 0:
            raise ValueError(f"number of working days must not be negative, got {n}")
        current = day
        while n > 0:
            current += _ONE_DAY
            if self.is_working_day(current):
                n -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative when end < start.

        `working_days_between(d, add_working_days(d, n)) == n` for every n >= 0.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += _ONE_DAY
            count += self.is_working_day(current)
        return count

    def _decide(self, day: dt.date) -> bool:
        if day in self._extra_holidays:
            return False
        if day in self._extra_workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self._warn_fallback(day.year)
            return day.weekday() < 5

    def _warn_fallback(self, year: int) -> None:
        if year in self._warned_years:
            return
        self._warned_years.add(year)
        logger.warning(
            "the official holiday calendar has no data for %d: counting Monday to Friday as "
            "working days; upgrade chinese-calendar or configure that year's holidays",
            year,
        )


def _plain_dates(name: str, values: Iterable[object]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for value in values:
        # datetime is a subclass of date; a time of day has no place in a calendar.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValueError(f"{name}: {value!r} is not a date")
        days.add(value)
    return frozenset(days)


DEFAULT_CALENDAR = WorkingCalendar()
