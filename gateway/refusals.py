"""Refusals: what a caller asked for that the rules or the arguments' ranges do not allow.

Each domain raises its own subclass of `Refused` (a list decision, a repair step, a
commitment, an inspection task, a key-supervision entry); the message names the unmet
condition and is safe to show (the API answers it as BAD_USER_INPUT). The argument checks
below are shared by all of them and raise the subclass they are given.
"""

from __future__ import annotations

import datetime as dt


class Refused(ValueError):
    """A request refused; the message says which condition is not met."""


def text_argument(name: str, value: str, most: int, refused: type[Refused] = Refused) -> str:
    """A trimmed, non-empty text of at most `most` characters."""
    text = value.strip()
    if not text:
        raise refused(f"{name}: expected some text, got an empty string")
    if len(text) > most:
        raise refused(f"{name}: expected at most {most} characters, got {len(text)}")
    return text


def not_in_future(
    name: str, day: dt.date, today: dt.date, refused: type[Refused] = Refused
) -> None:
    """Refuse a day after `today`."""
    if day > today:
        raise refused(f"{name} {day} is in the future (today is {today})")
