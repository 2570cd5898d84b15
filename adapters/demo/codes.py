"""Identifiers the demo issues: USCCs with valid check characters, document numbers.

A USCC is 2 authority/type characters, the 6-digit division, a 9-character organisation code
(GB 11714: 8 characters and its own check) and the GB 32100 check character. Codes are derived
from the enterprise's index by a bijection, so they are unique without remembering them;
lookup tables over groups of characters keep this fast enough for a million enterprises.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Hashable

from gateway.uscc import ALPHABET

_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_DIGITS = "0123456789"
_DIGIT_SPACE = 10**8
_NEW_STYLE_SPACE = 31**6
_MULTIPLIER = 48271
"""A prime sharing no factor with either space, so index → code body is a bijection."""


def organisation_check(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(first17: str) -> str:
    """The GB 32100 check character (same rule as gateway.uscc.check_character)."""
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


_Group = tuple[tuple[str, int, int], ...]
"""Every string of some symbols at fixed code positions, with its weighted sums:
(text, GB 11714 sum, GB 32100 sum) by the string's value."""


def _group(symbols: str, width: int, first_position: int) -> _Group:
    """`first_position` is the 0-based index in the USCC (8 = the body's first character)."""
    texts = [""]
    for _ in range(width):
        texts = [t + s for t in texts for s in symbols]
    org_w = _ORG_WEIGHTS[first_position - 8 : first_position - 8 + width]
    uscc_w = _USCC_WEIGHTS[first_position : first_position + width]
    return tuple(
        (t, sum(int(c, 36) * w for c, w in zip(t, org_w, strict=True)),
         sum(_USCC_VALUE[c] * w for c, w in zip(t, uscc_w, strict=True)))
        for t in texts
    )


@functools.cache
def _groups() -> tuple[tuple[_Group, ...], tuple[_Group, ...]]:
    """Pairs of characters: old-style digits at 9-10, 11-12, 13-14, 15-16; new-style (MA…)
    symbols at 11-12, 13-14, 15-16. Small tables stay in the processor's cache."""
    return (tuple(_group(_DIGITS, 2, p) for p in (8, 10, 12, 14)),
            tuple(_group(ALPHABET, 2, p) for p in (10, 12, 14)))


_MA_ORG = int("M", 36) * _ORG_WEIGHTS[0] + int("A", 36) * _ORG_WEIGHTS[1]
_MA_USCC = _USCC_VALUE["M"] * _USCC_WEIGHTS[8] + _USCC_VALUE["A"] * _USCC_WEIGHTS[9]
_ORG_CHECKS = tuple("X" if 11 - r == 10 else "0" if 11 - r == 11 else str(11 - r)
                    for r in range(11))
"""The organisation-code check character by (weighted sum mod 11)."""
_ORG_CHECK_USCC = tuple(_USCC_VALUE[c] * _USCC_WEIGHTS[16] for c in _ORG_CHECKS)
_USCC_CHECKS = tuple(ALPHABET[(31 - r) % 31] for r in range(31))


class CodeMaker:
    """Unique, valid USCCs for enterprise indexes; the seed shifts which codes come out."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"credit-gateway-demo:uscc:{seed}")  # noqa: S311 (synthetic data)
        self._digit_offset = rng.randrange(_DIGIT_SPACE)
        self._new_offset = rng.randrange(_NEW_STYLE_SPACE)
        self._prefix_sums: dict[str, int] = {}
        self._old, self._new = _groups()

    def _prefix_sum(self, prefix8: str) -> int:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(prefix8, _USCC_WEIGHTS, strict=False))
        self._prefix_sums[prefix8] = total
        return total

    def code(self, index: int, prefix8: str, new_style: bool) -> str:
        """The USCC of enterprise `index`: `prefix8` is authority, type and division;
        new-style bodies (issued since 2015) start with MA, old ones are 8 digits."""
        if new_style:
            n = (index * _MULTIPLIER + self._new_offset) % _NEW_STYLE_SPACE
            g1, g2, g3 = self._new
            text1, org1, sum1 = g1[n // 923521]
            text2, org2, sum2 = g2[n // 961 % 961]
            text3, org3, sum3 = g3[n % 961]
            body = "MA" + text1 + text2 + text3
            org = _MA_ORG + org1 + org2 + org3
            total = _MA_USCC + sum1 + sum2 + sum3
        else:
            n = (index * _MULTIPLIER + self._digit_offset) % _DIGIT_SPACE
            g1, g2, g3, g4 = self._old
            text1, org1, sum1 = g1[n // 1000000]
            text2, org2, sum2 = g2[n // 10000 % 100]
            text3, org3, sum3 = g3[n // 100 % 100]
            text4, org4, sum4 = g4[n % 100]
            body = text1 + text2 + text3 + text4
            org = org1 + org2 + org3 + org4
            total = sum1 + sum2 + sum3 + sum4
        prefix_sum = self._prefix_sums.get(prefix8)
        if prefix_sum is None:
            prefix_sum = self._prefix_sum(prefix8)
        org %= 11
        total += prefix_sum + _ORG_CHECK_USCC[org]
        return prefix8 + body + _ORG_CHECKS[org] + _USCC_CHECKS[total % 31]


def spoil_check(code: str) -> str:
    """The same code with a wrong check character (for deliberate faults)."""
    return code[:17] + ALPHABET[(_USCC_VALUE[code[17]] + 1) % 31]


class Numbering:
    """Sequence numbers per key that stay unique across chunks generated independently:
    chunk k of K hands out k+1, K+k+1, 2K+k+1, … for each key."""

    def __init__(self, chunk_index: int, chunk_count: int) -> None:
        self._index = chunk_index
        self._count = chunk_count
        self._used: dict[Hashable, int] = {}

    def next(self, key: Hashable) -> int:
        local = self._used.get(key, 0)
        self._used[key] = local + 1
        return local * self._count + self._index + 1


def document_number(short: str, kind: str, year: int, sequence: int) -> str:
    """A bureau's document number, e.g. 汕澄市监罚〔2024〕45号."""
    return f"{short}市监{kind}〔{year}〕{sequence}号"
