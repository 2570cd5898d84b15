"""Name grams: every character and adjacent pair, lower-cased, none holding white space."""

from __future__ import annotations

import itertools

import pytest

from gateway.archive.grams import SEPARATOR, enterprise_grams, name_grams


def _reference(text: str) -> set[str]:
    """The definition, written the slow and obvious way."""
    s = text.lower()
    grams = {ch for ch in s if not ch.isspace()}
    pairs = itertools.pairwise(s)
    grams |= {a + b for a, b in pairs if not a.isspace() and not b.isspace()}
    return grams


@pytest.mark.parametrize(
    "name",
    [
        "汕头市龙湖区海滨食品有限公司",
        "Haibin FOODS Ltd",
        "汕头市\u3000海滨（分公司）",  # ideographic space
        "a\u00a0b",  # no-break space
        "x\x1fy",  # the separator is white space too
        " 海滨 ",
        "a",
        "",
        "\t\n",
    ],
)
def test_grams_of_a_name(name: str) -> None:
    assert name_grams(name) == _reference(name)
    assert not any(ch.isspace() for gram in name_grams(name) for ch in gram)


def test_grams_of_names() -> None:
    assert name_grams("海滨") == {"海", "滨", "海滨"}
    joined = enterprise_grams(["海滨", "Ha B"])
    assert set(joined.split(SEPARATOR)) == {"海", "滨", "海滨", "h", "a", "b", "ha"}
    assert enterprise_grams([]) == ""
