"""Scoring is a pure function: each factor's sign, the class cut-offs on both sides, and which
model an enterprise gets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from gateway.records import EnterpriseStatus, KeyArea
from gateway.risk.config import RiskModel, load_models
from gateway.risk.factors import FACTORS, FactorCode
from gateway.risk.indicators import Indicators
from gateway.risk.scoring import assess, score

DAY = dt.date(2026, 6, 1)
MODELS = load_models()
GENERAL = MODELS.general
# Established eight years ago: neither young nor long established, so it adds nothing.
NEUTRAL = Indicators(uscc="91440507000000001X", as_of=DAY, established_on=dt.date(2018, 1, 1))

# Each factor, the indicators that make it count, and the sign its contribution must have.
CASES: list[tuple[FactorCode, dict[str, Any], int]] = [
    (FactorCode.YOUNG, {"established_on": DAY - dt.timedelta(days=200)}, +1),
    (FactorCode.LONG_ESTABLISHED, {"established_on": dt.date(2001, 1, 1)}, -1),
    (FactorCode.STATUS_REVOKED, {"status": EnterpriseStatus.REVOKED}, +1),
    (FactorCode.STATUS_SUSPENDED, {"status": EnterpriseStatus.SUSPENDED}, +1),
    (FactorCode.STATUS_ENDED, {"status": EnterpriseStatus.DEREGISTERED}, +1),
    (FactorCode.STATUS_ENDED, {"status": EnterpriseStatus.MOVED_OUT}, +1),
    (FactorCode.PENALTY_SERIOUS, {"serious_penalties": 1}, +1),
    (FactorCode.PENALTY_GENERAL, {"general_penalties": 2}, +1),
    (FactorCode.PENALTY_MINOR, {"minor_penalties": 1}, +1),
    (FactorCode.PENALTY_OLD, {"old_penalties": 1}, +1),
    (FactorCode.ABNORMAL_LISTED, {"abnormal_listings": 1}, +1),
    (FactorCode.SERIOUS_LISTED, {"serious_listings": 1}, +1),
    (FactorCode.LISTED_BEFORE, {"past_listings": 1}, +1),
    (FactorCode.INSPECTION_NEGATIVE, {"negative_inspections": 1}, +1),
    (FactorCode.SAMPLE_UNQUALIFIED, {"unqualified_samples": 1}, +1),
    (FactorCode.INSPECTION_CLEAN, {"clean_inspections": 2}, -1),
    (FactorCode.INSPECTION_TARGETED, {"targeted_inspections": 1}, +1),
    (FactorCode.LICENCE_LAPSED, {"licence_lapsed": True}, +1),
    (FactorCode.LICENCE_REVOKED, {"revoked_licences": 1}, +1),
    (FactorCode.COMMITMENT_BREACHED, {"breached_commitments": 1}, +1),
    (FactorCode.RELATED_PARTY, {"related_parties": 1}, +1),
]


def test_every_factor_has_a_case() -> None:
    assert {c for c, _, _ in CASES} == {f.code for f in FACTORS}


def test_an_enterprise_with_nothing_on_record_scores_zero() -> None:
    result = score(NEUTRAL, GENERAL)
    assert (result.score, result.risk_class, result.factors) == (0.0, "A", ())


@pytest.mark.parametrize(("code", "fields", "sign"), CASES, ids=[c[0].value for c in CASES])
def test_each_factor_moves_the_score_its_way(
    code: FactorCode, fields: dict[str, Any], sign: int
) -> None:
    result = score(dataclasses.replace(NEUTRAL, **fields), GENERAL)
    assert [f.code for f in result.factors] == [code]
    contribution = result.factors[0].contribution
    assert contribution * sign > 0
    assert result.score == contribution
    assert result.factors[0].description


def test_counts_are_capped_and_shown_in_the_description() -> None:
    three = score(dataclasses.replace(NEUTRAL, serious_penalties=3), GENERAL)
    nine = score(dataclasses.replace(NEUTRAL, serious_penalties=9), GENERAL)
    assert three.score == nine.score == 3 * GENERAL.weights[FactorCode.PENALTY_SERIOUS]
    assert three.factors[0].description.endswith(": 3")


def test_factors_sum_to_the_score_largest_first() -> None:
    indicators = dataclasses.replace(NEUTRAL, serious_penalties=1, clean_inspections=1,
                                     abnormal_listings=1, status=EnterpriseStatus.SUSPENDED)
    result = score(indicators, GENERAL)
    amounts = [f.contribution for f in result.factors]
    assert sum(amounts) == pytest.approx(result.score)
    assert [abs(a) for a in amounts] == sorted((abs(a) for a in amounts), reverse=True)


CUT_MODEL = RiskModel("test", "1", frozenset(), {FactorCode.PENALTY_GENERAL: 1.0},
                      (10.0, 20.0, 30.0))


@pytest.mark.parametrize(("points", "expected"), [
    (-5.0, "A"), (9.99, "A"), (10.0, "B"), (19.99, "B"), (20.0, "C"), (29.99, "C"),
    (30.0, "D"), (1000.0, "D"),
])
def test_class_cut_offs_on_both_sides(points: float, expected: str) -> None:
    assert CUT_MODEL.risk_class(points) == expected


def test_a_score_on_the_cut_off_is_in_the_higher_class() -> None:
    model = dataclasses.replace(CUT_MODEL, weights={FactorCode.PENALTY_GENERAL: 10.0})
    one = score(dataclasses.replace(NEUTRAL, general_penalties=1), model)
    two = score(dataclasses.replace(NEUTRAL, general_penalties=2), model)
    assert (one.score, one.risk_class, two.risk_class) == (10.0, "B", "C")


@pytest.mark.parametrize(("areas", "model"), [
    ((), "general@2026.1"),
    ((KeyArea.FOOD_PRODUCTION,), "food@2026.1"),
    ((KeyArea.FOOD_ADDITIVE_PRODUCTION,), "food@2026.1"),
    ((KeyArea.SPECIAL_FOOD,), "food@2026.1"),
    ((KeyArea.SPECIAL_EQUIPMENT_PRODUCTION,), "special-equipment@2026.1"),
    # Both: the first sub-model of the file that matches (food).
    ((KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, KeyArea.FOOD_PRODUCTION), "food@2026.1"),
])
def test_the_model_follows_the_key_areas(areas: tuple[KeyArea, ...], model: str) -> None:
    result = assess(dataclasses.replace(NEUTRAL, key_areas=areas, unqualified_samples=1), MODELS)
    assert result.model == model


def test_the_food_model_weighs_unqualified_samples_more() -> None:
    indicators = dataclasses.replace(NEUTRAL, unqualified_samples=1)
    food = assess(dataclasses.replace(indicators, key_areas=(KeyArea.FOOD_PRODUCTION,)), MODELS)
    assert food.score > assess(indicators, MODELS).score
