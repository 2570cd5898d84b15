"""Scoring: a pure function from an enterprise's indicators and a model to its score, class
and the signed contribution of each factor."""

from __future__ import annotations

import dataclasses

from gateway.risk.config import ModelSet, RiskModel
from gateway.risk.factors import FACTORS, FactorCode
from gateway.risk.indicators import Indicators


@dataclasses.dataclass(frozen=True, slots=True)
class Contribution:
    code: FactorCode
    description: str
    contribution: float


@dataclasses.dataclass(frozen=True, slots=True)
class Scored:
    """One enterprise's assessment, before it is stored."""

    uscc: str
    risk_class: str
    score: float
    model: str
    """Name and version of the model (e.g. general@2026.1)."""
    factors: tuple[Contribution, ...]
    """The factors that moved the score, largest effect first; they sum to the score."""


def score(indicators: Indicators, model: RiskModel) -> Scored:
    """Weigh the indicators with `model`: score = Σ weight × value over its factors."""
    contributions = []
    for factor in FACTORS:
        weight = model.weights.get(factor.code, 0.0)
        value = factor.value(indicators)
        if weight and value:
            amount = round(weight * value, 4)
            contributions.append(Contribution(factor.code, factor.describe(value), amount))
    contributions.sort(key=lambda c: (-abs(c.contribution), c.code))
    total = round(sum(c.contribution for c in contributions), 4)
    return Scored(
        uscc=indicators.uscc,
        risk_class=model.risk_class(total),
        score=total,
        model=model.label,
        factors=tuple(contributions),
    )


def assess(indicators: Indicators, models: ModelSet) -> Scored:
    """Score with the model for the enterprise's key areas."""
    return score(indicators, models.for_key_areas(indicators.key_areas))
