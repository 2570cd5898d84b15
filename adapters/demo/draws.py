"""Fast random draws for the generator.

A weighted choice is expanded into a flat tuple of exactly 2**BITS entries, so a draw is
`table[rng.getrandbits(BITS)]`: one call, no float arithmetic, no search. Hot paths inline that
expression; `draw` is the readable form.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

BITS = 10
"""Every table has 2**BITS entries: weights are honoured to about 0.1 %."""
SIZE = 1 << BITS


def table(items: Sequence[T], weights: Sequence[float] | None = None) -> tuple[T, ...]:
    """Each item repeated in proportion to its weight (at least once if its weight is > 0);
    equal weights when none are given."""
    if weights is None:
        weights = [1.0] * len(items)
    if len(items) != len(weights) or not items or min(weights) < 0 or sum(weights) <= 0:
        raise ValueError("items and weights must be non-empty, of equal length, not negative")
    live = [(item, w) for item, w in zip(items, weights, strict=True) if w > 0]
    if len(live) > SIZE:
        raise ValueError(f"at most {SIZE} items with a weight")
    total = sum(w for _, w in live)
    counts = [max(1, math.floor(SIZE * w / total)) for _, w in live]
    order = sorted(range(len(live)), key=lambda i: -(SIZE * live[i][1] / total - counts[i]))
    step = 1 if sum(counts) < SIZE else -1
    position = 0
    while sum(counts) != SIZE:
        i = order[position % len(order)]
        if counts[i] + step >= 1:
            counts[i] += step
        position += 1
    return tuple(item for (item, _), n in zip(live, counts, strict=True) for _ in range(n))


def draw(rng: random.Random, choices: tuple[T, ...]) -> T:
    """One entry of a `table`."""
    return choices[rng.getrandbits(BITS)]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (inverse transform; meant for small means)."""
    if mean <= 0:
        return 0
    u = rng.random()
    term = math.exp(-mean)
    total = term
    count = 0
    while u > total and count < 60:
        count += 1
        term *= mean / count
        total += term
    return count
