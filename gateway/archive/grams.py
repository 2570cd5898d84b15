"""Search grams of names: every character and every pair of adjacent characters, lower-cased.

A GIN index over these finds any Chinese or Latin substring of a current or former name
without pg_trgm (which the embedded server lacks). A query's grams must be a subset of a
name's grams; the exact substring is then rechecked.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

SEPARATOR = "\x1f"
"""Joins grams into one text parameter; never part of a name."""


def name_grams(text: str) -> set[str]:
    """The unigrams and bigrams of one name; none contains white space."""
    s = text.lower()
    if s.split() == [s]:  # no white space, as in almost every name: every gram counts
        grams = set(s)
        grams.update(map(operator.add, s, s[1:]))
        return grams
    grams = {ch for ch in s if not ch.isspace()}
    grams.update(
        s[i : i + 2] for i in range(len(s) - 1) if not (s[i].isspace() or s[i + 1].isspace())
    )
    return grams


def enterprise_grams(names: Iterable[str]) -> str:
    """The grams of all of an enterprise's names, joined for `string_to_array(…, chr(31))`."""
    grams: set[str] = set()
    for name in names:
        grams |= name_grams(name)
    grams.discard(SEPARATOR)
    return SEPARATOR.join(grams)
