"""Verification rule sets: which is in force on a date, what a valid one looks like, and that a
passed rule book replaces the built-in one."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gateway.records import PenaltyMeasure
from gateway.rules.purposes import (
    DEFAULT_VERIFICATION_RULES,
    VERIFY_2021,
    VERIFY_2022,
    VERIFY_2024,
    Consequence,
    FindingCode,
    FindingEffect,
    Purpose,
    PurposeRules,
    VerificationRuleBook,
    VerificationRuleSet,
)
from gateway.rules.verification import Verdict, judge
from tests.rules.test_verification import D, penalty, profile, verdict_of

C = FindingCode
RESTRICTS, CAUTIONS = FindingEffect.RESTRICTS, FindingEffect.CAUTIONS


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (D(2019, 1, 1), "verify-2021.1"),  # earliest set covers earlier dates
        (D(2021, 9, 1), "verify-2021.1"),
        (D(2022, 2, 7), "verify-2021.1"),
        (D(2022, 2, 8), "verify-2022.1"),
        (D(2024, 3, 9), "verify-2022.1"),
        (D(2024, 3, 10), "verify-2024.1"),
        (D(2031, 1, 1), "verify-2024.1"),
    ],
)
def test_set_in_force(on: dt.date, version: str) -> None:
    assert DEFAULT_VERIFICATION_RULES.in_force(on).version == version
    assert DEFAULT_VERIFICATION_RULES.version_on(on) == version


def test_built_in_values() -> None:
    assert VERIFY_2021.procurement_fine_threshold == Decimal("1000000")
    assert VERIFY_2022.procurement_fine_threshold == Decimal("2000000")
    assert VERIFY_2024.procurement_fine_threshold == Decimal("2000000")
    assert [s.abnormal_escalation for s in DEFAULT_VERIFICATION_RULES.sets] == [True, True, False]
    assert {s.lookback_years for s in DEFAULT_VERIFICATION_RULES.sets} == {3}


@pytest.mark.parametrize("rule_set", DEFAULT_VERIFICATION_RULES.sets, ids=lambda s: s.version)
def test_every_built_in_consequence_names_a_legal_basis(rule_set: VerificationRuleSet) -> None:
    for purpose in Purpose:
        table = rule_set.purposes[purpose]
        assert "《" in table.legal_basis or "地方规则" in table.legal_basis
        for code, consequence in table.consequences.items():
            assert "《" in consequence.legal_basis or "地方规则" in consequence.legal_basis, code
        assert (C.ABNORMAL_LIST_ESCALATED in table.consequences) is rule_set.abnormal_escalation


def test_escalation_ends_with_the_first_set_that_drops_it() -> None:
    book = DEFAULT_VERIFICATION_RULES
    assert book.escalation_ends_after(D(2021, 1, 1)) == D(2024, 3, 10)
    assert book.escalation_ends_after(D(2024, 3, 9)) == D(2024, 3, 10)
    assert book.escalation_ends_after(D(2024, 3, 10)) is None


def test_the_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        VERIFY_2024.purposes[Purpose.HONOURS] = VERIFY_2021.purposes[Purpose.HONOURS]  # type: ignore[index]
    table = VERIFY_2024.purposes[Purpose.HONOURS]
    with pytest.raises(TypeError):
        table.consequences[C.MAJOR_VIOLATION] = Consequence(RESTRICTS, "x")  # type: ignore[index]
    assert hash(VERIFY_2024) == hash(VERIFY_2024)


def test_a_passed_rule_book_replaces_the_built_in_sets() -> None:
    local = dataclasses.replace(
        VERIFY_2024, version="verify-2024.1-st.1", procurement_fine_threshold=Decimal("500000")
    )
    book = VerificationRuleBook((VERIFY_2021, VERIFY_2022, local))
    p = profile(penalty(PenaltyMeasure.FINE, fine="600000", decided=D(2026, 3, 1)))
    judgement = judge(p, Purpose.GOVERNMENT_PROCUREMENT, D(2026, 6, 1), rules=book)
    assert judgement.verdict is Verdict.RESTRICTED
    assert judgement.rules_version == "verify-2024.1-st.1+samr-order107-2025.1"
    assert verdict_of(p, Purpose.GOVERNMENT_PROCUREMENT)[0] is Verdict.CAUTION


def test_a_purpose_table_can_change_an_effect() -> None:
    honours = VERIFY_2024.purposes[Purpose.HONOURS]
    stricter = PurposeRules(honours.legal_basis, {
        **honours.consequences, C.PENALTY_IN_PUBLICITY: Consequence(RESTRICTS, "某地方规定"),
    })
    local = dataclasses.replace(
        VERIFY_2024, version="local-1", purposes={**VERIFY_2024.purposes, Purpose.HONOURS: stricter}
    )
    p = profile(penalty(PenaltyMeasure.FINE, fine="100000", decided=D(2026, 3, 1)))
    judgement = judge(p, Purpose.HONOURS, D(2026, 6, 1), rules=VerificationRuleBook((local,)))
    assert judgement.verdict is Verdict.RESTRICTED
    assert judgement.findings[0].legal_basis == "某地方规定"


def _without(purpose: Purpose, code: FindingCode) -> dict[Purpose, PurposeRules]:
    table = VERIFY_2022.purposes[purpose]
    kept = {c: v for c, v in table.consequences.items() if c is not code}
    return {**VERIFY_2022.purposes, purpose: PurposeRules(table.legal_basis, kept)}


def _with(purpose: Purpose, code: FindingCode, effect: FindingEffect) -> dict[Purpose, PurposeRules]:
    table = VERIFY_2022.purposes[purpose]
    changed = {**table.consequences, code: Consequence(effect, "某规定")}
    return {**VERIFY_2022.purposes, purpose: PurposeRules(table.legal_basis, changed)}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": ""}, "version must be"),
        ({"version": " verify-1"}, "version must be"),
        ({"version": "verify 1"}, "version must be"),
        ({"version": "verify+1"}, "version must be"),
        ({"version": "-verify"}, "version must be"),
        ({"version": None}, "version must be"),
        ({"effective_from": dt.datetime(2022, 2, 8, tzinfo=dt.UTC)}, "effective_from must be a date"),
        ({"effective_from": "2022-02-08"}, "effective_from must be a date"),
        ({"procurement_fine_threshold": Decimal("-1")}, "procurement_fine_threshold must be a positive"),
        ({"procurement_fine_threshold": Decimal("0")}, "procurement_fine_threshold must be a positive"),
        ({"procurement_fine_threshold": Decimal("NaN")}, "procurement_fine_threshold must be a positive"),
        ({"procurement_fine_threshold": Decimal("Infinity")}, "procurement_fine_threshold"),
        ({"procurement_fine_threshold": 2000000.0}, "procurement_fine_threshold must be a positive"),
        ({"lookback_years": 0}, "lookback_years must be a whole number"),
        ({"lookback_years": True}, "lookback_years must be a whole number"),
        ({"lookback_years": 2.5}, "lookback_years must be a whole number"),
        ({"escalation_years": -3}, "escalation_years must be a whole number"),
        ({"abnormal_escalation": "yes"}, "abnormal_escalation must be true or false"),
        ({"major_measures": frozenset({"SUSPENSION"})}, "major_measures must be penalty measures"),
        ({"purposes": {}}, "purposes missing: GOVERNMENT_PROCUREMENT, PUBLIC_BIDDING"),
        ({"purposes": {**VERIFY_2022.purposes, Purpose.HONOURS: "all"}}, "HONOURS: expected PurposeRules"),
        ({"purposes": _without(Purpose.HONOURS, C.ENTERPRISE_REVOKED)}, "HONOURS: ENTERPRISE_REVOKED must restrict"),
        ({"purposes": _with(Purpose.PUBLIC_BIDDING, C.ENTERPRISE_DEREGISTERED, CAUTIONS)},
         "PUBLIC_BIDDING: ENTERPRISE_DEREGISTERED must restrict"),
        ({"purposes": _without(Purpose.PUBLIC_BIDDING, C.ABNORMAL_LIST_ESCALATED)},
         "PUBLIC_BIDDING: ABNORMAL_LIST_ESCALATED must RESTRICTS"),
        ({"purposes": _with(Purpose.HONOURS, C.ABNORMAL_LIST_ESCALATED, CAUTIONS)},
         "HONOURS: ABNORMAL_LIST_ESCALATED must RESTRICTS"),
    ],
)
def test_invalid_rule_sets_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(VERIFY_2022, **changes)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValueError, match=r"version must be.*lookback_years must be") as caught:
        dataclasses.replace(VERIFY_2022, version="", lookback_years=0)
    assert "verification rule set ''" in str(caught.value)


def test_without_escalation_the_escalated_code_need_not_be_listed() -> None:
    relaxed = dataclasses.replace(
        VERIFY_2022, version="x-1", abnormal_escalation=False,
        purposes=_without(Purpose.PUBLIC_BIDDING, C.ABNORMAL_LIST_ESCALATED),
    )
    assert relaxed.abnormal_escalation is False


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Consequence("RESTRICTS", "x"), "effect must be a FindingEffect"),  # type: ignore[arg-type]
        (lambda: Consequence(RESTRICTS, " "), "legal_basis must not be empty"),
        (lambda: PurposeRules("", {}), "legal_basis must not be empty"),
        (lambda: PurposeRules("x", {C.SOURCE_STALE: Consequence(RESTRICTS, "x")}), "SOURCE_STALE"),
        (lambda: PurposeRules("x", {"MAJOR_VIOLATION": Consequence(RESTRICTS, "x")}), "not a finding code"),  # type: ignore[dict-item]
        (lambda: PurposeRules("x", {C.MAJOR_VIOLATION: (RESTRICTS, "x")}), "expected a Consequence"),  # type: ignore[dict-item]
    ],
)
def test_invalid_purpose_tables_are_refused(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ((), "at least one rule set"),
        ((VERIFY_2021, dataclasses.replace(VERIFY_2022, effective_from=D(2021, 9, 1))), "same date"),
        ((VERIFY_2021, dataclasses.replace(VERIFY_2022, version="verify-2021.1")), "unique"),
    ],
)
def test_invalid_rule_books_are_refused(sets: tuple[VerificationRuleSet, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VerificationRuleBook(sets)
