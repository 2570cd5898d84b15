"""Measures of how well risk classes pick out the enterprises where inspections find problems:
pure functions over (class, score, problem found) of the inspected enterprises."""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Mapping, Sequence

from gateway.risk.config import CLASSES


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """One enterprise assessed before the cut-off, and what inspections found after it."""

    risk_class: str
    score: float
    inspected: bool
    problem: bool


@dataclasses.dataclass(frozen=True, slots=True)
class ClassRate:
    risk_class: str
    assessed: int
    inspected: int
    problems: int

    @property
    def rate(self) -> float | None:
        """Share of the inspected enterprises of the class where a problem was found."""
        return self.problems / self.inspected if self.inspected else None


def class_rates(outcomes: Sequence[Outcome]) -> list[ClassRate]:
    """Assessed, inspected and problem counts per class, A to D."""
    rates = []
    for risk_class in CLASSES:
        mine = [o for o in outcomes if o.risk_class == risk_class]
        inspected = [o for o in mine if o.inspected]
        rates.append(ClassRate(risk_class, len(mine), len(inspected),
                               sum(o.problem for o in inspected)))
    return rates


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            result[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return result


def auc(scores: Sequence[float], positives: Sequence[bool]) -> float | None:
    """Area under the ROC curve of `scores` for telling positives from negatives (the
    Mann-Whitney statistic, ties counted half); None without both kinds."""
    p = sum(positives)
    n = len(positives) - p
    if p == 0 or n == 0:
        return None
    rank_sum = sum(r for r, positive in zip(ranks(scores), positives, strict=True) if positive)
    return (rank_sum - p * (p + 1) / 2) / (p * n)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation; None when either side does not vary."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(rx)
    if n < 2:
        return None
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / math.sqrt(vx * vy) if vx and vy else None


@dataclasses.dataclass(frozen=True, slots=True)
class DrawComparison:
    """Problems found by a draw stratified by class against a uniform draw of the same size,
    averaged over `repeats` seeded draws."""

    size: int
    sizes: dict[str, int]
    repeats: int
    stratified: float
    uniform: float

    @property
    def ratio(self) -> float | None:
        return self.stratified / self.uniform if self.uniform else None


def stratified_sizes(outcomes: Sequence[Outcome], rates: Mapping[str, float]) -> dict[str, int]:
    """How many inspected enterprises of each class a draw at the classes' rates takes."""
    counts = {c: sum(1 for o in outcomes if o.inspected and o.risk_class == c) for c in CLASSES}
    return {c: min(counts[c], round(counts[c] * rates[c])) for c in CLASSES}


def compare_draws(
    outcomes: Sequence[Outcome], rates: Mapping[str, float], seed: int, repeats: int = 100
) -> DrawComparison:
    """Draw among the inspected enterprises: per class at its rate, and uniformly as many."""
    inspected = [o for o in outcomes if o.inspected]
    by_class = {c: [o for o in inspected if o.risk_class == c] for c in CLASSES}
    sizes = stratified_sizes(outcomes, rates)
    size = sum(sizes.values())
    rng = random.Random(seed)  # noqa: S311 (a reproducible draw, not a secret)
    stratified = uniform = 0
    for _ in range(repeats):
        for c in CLASSES:
            stratified += sum(o.problem for o in rng.sample(by_class[c], sizes[c]))
        uniform += sum(o.problem for o in rng.sample(inspected, size))
    return DrawComparison(size, sizes, repeats, stratified / repeats, uniform / repeats)
