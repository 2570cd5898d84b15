"""Unified Social Credit Code (GB 32100-2015) normalisation and validation."""

from __future__ import annotations

import operator
import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\Z")


class InvalidUSCC(ValueError):
    """The text is not a valid Unified Social Credit Code; the message says why."""


def check_character(first17: str) -> str:
    """The 18th character that GB 32100 derives from the first 17."""
    total = sum(map(operator.mul, map(_VALUES.__getitem__, first17), _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: str) -> str:
    """Trim and upper-case `text`, then verify it; returns the code or raises InvalidUSCC."""
    code = text.strip().upper()
    if not code:
        raise InvalidUSCC("empty code")
    if len(code) != 18:
        raise InvalidUSCC(f"{len(code)} characters, expected 18")
    if not _SHAPE.match(code):
        raise InvalidUSCC("character outside the GB 32100 alphabet or digits where letters are")
    if check_character(code[:17]) != code[17]:
        raise InvalidUSCC("wrong check character")
    return code


def is_valid(text: str) -> bool:
    """Whether `text` normalises to a valid code."""
    try:
        normalise(text)
    except InvalidUSCC:
        return False
    return True


def make(prefix17: str) -> str:
    """Append the check character to 17 characters (used by the demo generator)."""
    return prefix17 + check_character(prefix17)
