"""Rule sets: which one is in force on a date, and what a valid one looks like."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gateway.rules.publicity import PublicityState, penalty_publicity
from gateway.rules.ruleset import DEFAULT_RULES, ORDER_45_2021, ORDER_107_2025, RuleBook
from gateway.rules.severity import Severity, assess_severity
from tests.rules.support import D, M, penalty


@pytest.mark.parametrize(
    ("on", "version", "rule"),
    [
        (D(2020, 12, 31), "samr-order45-2021.1", "no older rules modelled: earliest set"),
        (D(2021, 9, 1), "samr-order45-2021.1", "Order 45 in force 2021-09-01"),
        (D(2025, 12, 24), "samr-order45-2021.1", "last day of the 2021 rules"),
        (D(2025, 12, 25), "samr-order107-2025.1", "Order 107 in force 2025-12-25"),
        (D(2031, 1, 1), "samr-order107-2025.1", "latest set stays in force"),
    ],
)
def test_set_in_force(on: dt.date, version: str, rule: str) -> None:
    assert DEFAULT_RULES.in_force(on).version == version, rule
    assert DEFAULT_RULES.version_on(on) == version


def test_legal_basis_names_the_regulations() -> None:
    assert "第45号" in ORDER_45_2021.legal_basis
    assert "国市监信规〔2021〕3号" in ORDER_45_2021.legal_basis
    assert "第107号" in ORDER_107_2025.legal_basis


def test_a_passed_rule_book_replaces_the_built_in_sets() -> None:
    local = dataclasses.replace(
        ORDER_107_2025,
        version="local-1",
        minor_fine_limit_entity=Decimal("30000"),
        general_public_months=6,
    )
    rules = RuleBook((ORDER_45_2021, local))
    record = penalty(M.FINE, fine="40000")
    assessment = assess_severity(record, D(2026, 3, 1), rules=rules)
    assert (assessment.severity, assessment.rules_version) == (Severity.GENERAL, "local-1")
    publicity = penalty_publicity(record, D(2026, 7, 13), rules=rules)
    assert (publicity.state, publicity.public_until) == (PublicityState.ENDED, D(2026, 7, 13))
    assert assess_severity(record, D(2026, 3, 1)).severity is Severity.MINOR  # built-in: ≤ 50,000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": " "}, "version must not be empty"),
        ({"legal_basis": ""}, "legal_basis must not be empty"),
        (
            {"general_public_months": 0},
            "general_public_months must be a whole number of at least 1, got 0",
        ),
        (
            {"serious_repair_months": True},
            "serious_repair_months must be a whole number of at least 1, got True",
        ),
        ({"publication_working_days": -3}, "publication_working_days must be a whole number"),
        ({"area_repair_months": 0}, "area_repair_months must be empty or at least 1, got 0"),
        (
            {"minor_fine_limit_entity": Decimal("-0.01")},
            "minor_fine_limit_entity must be a non-negative",
        ),
        (
            {"minor_fine_limit_individual": 5000.0},
            "minor_fine_limit_individual must be a non-negative Decimal",
        ),
        ({"serious_area_words": ("食品", " ")}, "serious_area_words must not contain empty words"),
        (
            {"minor_measures": frozenset({M.FINE, M.CLOSURE})},
            "a measure cannot be both minor and heavy",
        ),
    ],
)
def test_bad_rule_sets_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(ORDER_107_2025, **changes)


def test_bad_values_are_all_named() -> None:
    with pytest.raises(ValueError) as caught:
        dataclasses.replace(ORDER_107_2025, minor_public_months=0, serious_public_months=0)
    assert "minor_public_months" in str(caught.value)
    assert "serious_public_months" in str(caught.value)
    assert str(caught.value).startswith("rule set 'samr-order107-2025.1': ")


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ((), "at least one rule set"),
        (
            (ORDER_107_2025, dataclasses.replace(ORDER_45_2021, effective_from=D(2025, 12, 25))),
            "same date",
        ),
        (
            (ORDER_107_2025, dataclasses.replace(ORDER_45_2021, version=ORDER_107_2025.version)),
            "versions must be unique",
        ),
    ],
)
def test_bad_rule_books_are_refused(sets: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RuleBook(sets)
