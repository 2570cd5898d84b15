"""Dates and update times of the demo data, as day ordinals with precomputed text forms.

The data set is fixed at REFERENCE_DATE (so the same seed always gives the same rows): every
event happens on or before the day before it, and every update time is before it.
"""

from __future__ import annotations

import datetime as dt
import random

REFERENCE_DATE = dt.date(2026, 11, 25)
LAST_DAY = REFERENCE_DATE.toordinal() - 1
"""The last day anything happens in the data set."""
FIRST_DAY = dt.date(1985, 1, 1).toordinal()
_END = dt.date(2040, 12, 31).toordinal()
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

Y2019 = dt.date(2019, 1, 1).toordinal()


def ordinal(year: int, month: int, day: int) -> int:
    return dt.date(year, month, day).toordinal()


_ISO = tuple(dt.date.fromordinal(o).isoformat() for o in range(FIRST_DAY, _END + 1))
_COMPACT = tuple(text.replace("-", "") for text in _ISO)
_YEARS = tuple(int(text[:4]) for text in _ISO)
_TIME_BITS = 12
_TIMES = tuple(
    f"T{8 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08:00"
    for s in (i * 43200 // (1 << _TIME_BITS) for i in range(1 << _TIME_BITS))
)
"""Office-hours clock times, 08:00:00 to 19:59:49, evenly spaced, with the +08:00 offset."""
_LAG_BITS = 4


def iso(day: int) -> str:
    """'2024-03-05'."""
    return _ISO[day - FIRST_DAY]


def compact(day: int) -> str:
    """'20240305'."""
    return _COMPACT[day - FIRST_DAY]


def year(day: int) -> int:
    return _YEARS[day - FIRST_DAY]


def stamp(rng: random.Random, day: int) -> str:
    """An RFC 3339 update time during office hours of `day`, e.g. 2024-03-05T10:21:07+08:00."""
    return _ISO[day - FIRST_DAY] + _TIMES[rng.getrandbits(_TIME_BITS)]


def instant(text: str) -> dt.datetime:
    """The datetime of a `stamp` text."""
    return dt.datetime.fromisoformat(text)


def between(rng: random.Random, first: int, last: int) -> int:
    """A day from `first` to `last` inclusive (`first` when the range is empty)."""
    if last <= first:
        return first
    return first + int(rng.random() * (last - first + 1))


def add_years(day: int, years: int) -> int:
    """The same calendar day `years` later (28 Feb for 29 Feb in a common year)."""
    date = dt.date.fromordinal(day)
    try:
        return date.replace(year=date.year + years).toordinal()
    except ValueError:
        return date.replace(year=date.year + years, day=28).toordinal()


def updated(rng: random.Random, day: int) -> str:
    """The update time of a record made on `day`: that day or up to 15 days later, never on
    or after REFERENCE_DATE."""
    later = day + rng.getrandbits(_LAG_BITS)
    return _ISO[(later if later < LAST_DAY else LAST_DAY) - FIRST_DAY] + _TIMES[
        rng.getrandbits(_TIME_BITS)]
