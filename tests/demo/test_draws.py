"""Weighted tables and counts used by the generator."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from adapters.demo.draws import SIZE, draw, poisson, table


def test_table_has_fixed_size_and_honours_weights() -> None:
    choices = table(("a", "b", "c"), (70, 25, 5))
    assert len(choices) == SIZE
    counts = Counter(choices)
    assert abs(counts["a"] / SIZE - 0.70) < 0.002
    assert abs(counts["c"] / SIZE - 0.05) < 0.002


def test_tiny_weights_still_appear_and_zero_weights_do_not() -> None:
    choices = table(("common", "rare", "never"), (10_000, 0.001, 0))
    assert "rare" in choices
    assert "never" not in choices


def test_equal_weights_by_default() -> None:
    counts = Counter(table("abcd"))
    assert set(counts.values()) == {SIZE // 4}


@pytest.mark.parametrize(
    ("items", "weights"),
    [((), ()), (("a",), (1, 2)), (("a", "b"), (-1, 2)), (("a", "b"), (0, 0))],
)
def test_bad_tables_are_refused(items: tuple[str, ...], weights: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        table(items, weights)


def test_draw_stays_inside_the_table() -> None:
    rng = random.Random(3)
    choices = table(("x", "y"), (1, 3))
    drawn = Counter(draw(rng, choices) for _ in range(4000))
    assert set(drawn) == {"x", "y"}
    assert drawn["y"] > 2 * drawn["x"]


def test_poisson_mean_and_edges() -> None:
    rng = random.Random(9)
    values = [poisson(rng, 1.5) for _ in range(20_000)]
    assert abs(sum(values) / len(values) - 1.5) < 0.05
    assert poisson(rng, 0) == 0
    assert poisson(rng, -2) == 0
