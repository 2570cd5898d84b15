"""Severity tiers (domain §4, Order 107 table; before 2025-12-25 the 2021 rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gateway.records import KeyArea, Penalty
from gateway.rules.ruleset import HEAVY_MEASURES
from gateway.rules.severity import (
    Severity,
    SeverityReason,
    assess_severity,
    penalty_severity,
)
from tests.rules.support import INDIVIDUAL, D, M, penalty

MINOR, GENERAL, SERIOUS = Severity.MINOR, Severity.GENERAL, Severity.SERIOUS
AFTER = D(2026, 3, 2)  # Order 107 in force
FOOD = KeyArea.FOOD_PRODUCTION
COSMETICS = "销售不符合技术规范的化妆品"
DEVICE_LAW = "《医疗器械监督管理条例》第八十六条"
DRUG_LAW = "《中华人民共和国药品管理法》第一百一十七条"


@pytest.mark.parametrize(
    ("record", "expected", "rule"),
    [
        (penalty(M.WARNING), MINOR, "107 minor: warning"),
        (penalty(M.CIRCULATED_CRITICISM), MINOR, "107 minor: circulated criticism"),
        (penalty(M.FINE, fine="50000"), MINOR, "107 minor: entity fine at most ¥50,000"),
        (penalty(M.FINE, fine="50000.01"), GENERAL, "107: entity fine above ¥50,000 is general"),
        (penalty(M.WARNING, M.FINE, fine="3000"), MINOR, "107 minor: warning and small fine"),
        (
            penalty(M.FINE, fine="5000", uscc=INDIVIDUAL),
            MINOR,
            "107 minor: individual at most ¥5,000",
        ),
        (penalty(M.FINE, fine="5000.01", uscc=INDIVIDUAL), GENERAL, "107: individual above ¥5,000"),
        (
            penalty(M.FINE, fine="20000", uscc=INDIVIDUAL),
            GENERAL,
            "107: individual limit, not entity's",
        ),
        (penalty(M.FINE), GENERAL, "fine of unknown amount is not shown to be small"),
        (
            penalty(M.FINE, M.CONFISCATION, fine="1000"),
            GENERAL,
            "107: confiscation is no minor measure",
        ),
        (penalty(), GENERAL, "no measure recorded: not shown to be minor"),
        (penalty(M.FINE, fine="50000.01", key_area=FOOD), SERIOUS, "107 serious: non-minor, food"),
        (penalty(M.FINE, fine="50000", key_area=FOOD), MINOR, "107: minor stays minor in food"),
        (
            penalty(M.FINE, fine="60000", key_area=KeyArea.SPECIAL_EQUIPMENT_PRODUCTION),
            SERIOUS,
            "107 serious: special equipment",
        ),
        (penalty(M.FINE, fine="60000", violation=COSMETICS), SERIOUS, "107 serious: cosmetics"),
        (penalty(M.FINE, fine="60000", basis=DEVICE_LAW), SERIOUS, "107 serious: devices"),
        (penalty(M.FINE, fine="60000", basis=DRUG_LAW), SERIOUS, "107 serious: drugs"),
        (
            penalty(M.FINE, fine="60000", violation="电梯维护保养不符合安全技术规范", basis=None),
            SERIOUS,
            "107 serious: special equipment (elevators) by violation text",
        ),
        (
            penalty(M.FINE, fine="60000", basis="《工业产品生产许可证管理条例》第四十五条"),
            SERIOUS,
            "107 serious: key industrial products",
        ),
    ],
)
def test_order_107_tiers(record: Penalty, expected: Severity, rule: str) -> None:
    assert penalty_severity(record, AFTER) is expected, rule


@pytest.mark.parametrize("measure", sorted(HEAVY_MEASURES))
def test_heavy_measures_are_serious(measure: M) -> None:
    """107 serious: restriction, suspension, revocation, downgrade, closure, occupational ban."""
    record = penalty(M.FINE, measure, fine="1000")
    assessment = assess_severity(record, AFTER)
    assert (assessment.severity, assessment.reason) == (SERIOUS, SeverityReason.HEAVY_MEASURE)


@pytest.mark.parametrize(
    "record", [penalty(M.WARNING), penalty(M.FINE, fine="100000")], ids=["warning", "fine"]
)
def test_serious_list_cases_are_serious(record: Penalty) -> None:
    """107 serious: serious-list cases (Order 44), whatever the measure."""
    assessment = assess_severity(record, AFTER, serious_listed=True)
    assert (assessment.severity, assessment.reason) == (SERIOUS, SeverityReason.SERIOUS_LIST)


@pytest.mark.parametrize(
    ("record", "on", "expected", "version", "rule"),
    [
        # A record is judged by the set in force on the date asked about.
        (
            penalty(M.FINE, fine="60000", violation=COSMETICS, decided=D(2025, 6, 2)),
            D(2025, 12, 24),
            GENERAL,
            "samr-order45-2021.1",
            "2021: cosmetics were no longer-wait field",
        ),
        (
            penalty(M.FINE, fine="60000", violation=COSMETICS, decided=D(2025, 6, 2)),
            D(2025, 12, 25),
            SERIOUS,
            "samr-order107-2025.1",
            "107 from 2025-12-25: cosmetics are serious",
        ),
        (
            penalty(M.FINE, fine="60000", basis=DEVICE_LAW, decided=D(2025, 6, 2)),
            D(2025, 12, 24),
            GENERAL,
            "samr-order45-2021.1",
            "2021: devices were no longer-wait field",
        ),
        (
            penalty(M.FINE, fine="60000", basis=DRUG_LAW, decided=D(2025, 6, 2)),
            D(2025, 12, 24),
            SERIOUS,
            "samr-order45-2021.1",
            "2021: drugs wait a year",
        ),
        (
            penalty(M.FINE, fine="60000", key_area=FOOD, decided=D(2025, 6, 2)),
            D(2025, 12, 24),
            SERIOUS,
            "samr-order45-2021.1",
            "2021: food waits a year",
        ),
        (
            penalty(M.FINE, fine="50000", decided=D(2025, 6, 2)),
            D(2025, 12, 24),
            MINOR,
            "samr-order45-2021.1",
            "Order 45 Art.13: lower fine [unverified amount]",
        ),
        (
            penalty(M.SUSPENSION, decided=D(2025, 6, 2)),
            D(2025, 12, 24),
            SERIOUS,
            "samr-order45-2021.1",
            "2021: heavy measure",
        ),
        (
            penalty(M.FINE, fine="60000", violation=COSMETICS, decided=D(2026, 1, 5)),
            D(2025, 12, 20),
            GENERAL,
            "samr-order45-2021.1",
            "decided after the switch, asked about before it",
        ),
        (
            penalty(M.FINE, fine="60000", violation=COSMETICS, decided=D(2020, 5, 6)),
            D(2020, 6, 1),
            GENERAL,
            "samr-order45-2021.1",
            "dates before 2021-09-01 use the earliest set",
        ),
    ],
)
def test_switch_on_2025_12_25(
    record: Penalty, on: dt.date, expected: Severity, version: str, rule: str
) -> None:
    assessment = assess_severity(record, on)
    assert (assessment.severity, assessment.rules_version) == (expected, version), rule


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-1"), "fine_amount -1 is not a valid amount"),
        (Decimal("NaN"), "fine_amount NaN is not a valid amount"),
        (Decimal("Infinity"), "fine_amount Infinity is not a valid amount"),
    ],
)
def test_impossible_amounts_name_the_decision(amount: Decimal, message: str) -> None:
    record = penalty(M.FINE, fine=str(amount))
    with pytest.raises(ValueError, match=rf"penalty 汕龙市监罚〔2026〕7号: {message}"):
        penalty_severity(record, AFTER)
