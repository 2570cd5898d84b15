"""Durations as the configuration writes them: "500ms", "30s", "5m", "1h", "1d"."""

from __future__ import annotations

import datetime as dt
import re

_DURATION = re.compile(r"^(\d+)(ms|s|m|h|d)\Z")
_UNITS = {
    "ms": dt.timedelta(milliseconds=1),
    "s": dt.timedelta(seconds=1),
    "m": dt.timedelta(minutes=1),
    "h": dt.timedelta(hours=1),
    "d": dt.timedelta(days=1),
}


def parse_duration(text: str) -> dt.timedelta:
    """A positive duration from `<n><unit>` (unit ms, s, m, h or d); raises ValueError."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f'"{text}" is not a duration like "30s", "5m" or "1h"')
    amount = int(match.group(1))
    if amount == 0:
        raise ValueError(f'"{text}" is not a positive duration')
    return amount * _UNITS[match.group(2)]
