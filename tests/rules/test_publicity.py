"""Publicity and repair dates (domain §4 and §6; Order 45 Art.2 and Art.13; Order 107).

Periods count as the Civil Code does (Arts. 201, 202): published 2026-01-12, three months end
with 2026-04-12, so `public_until` (the first day no longer public) is 2026-04-13.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gateway.records import InspectionResult, KeyArea, Penalty, PenaltyProcedure
from gateway.rules.calendar import WorkingCalendar
from gateway.rules.publicity import (
    PublicityState,
    RepairEligibility,
    add_months,
    inspection_publicity,
    penalty_publicity,
    period_end,
    publication_deadline,
)
from gateway.rules.ruleset import NEGATIVE_INSPECTION_RESULTS
from gateway.rules.severity import Severity
from tests.rules.support import D, M, inspection, penalty

NOT_PUBLISHED, PUBLIC = PublicityState.NOT_PUBLISHED, PublicityState.PUBLIC
ENDED, REPAIRED = PublicityState.ENDED, PublicityState.REPAIRED
ALLOWED, NEVER = RepairEligibility.ALLOWED, RepairEligibility.NEVER
NOT_NEEDED, WAITING = RepairEligibility.NOT_NEEDED, RepairEligibility.WAITING_FOR_RESTRICTION_END
V45, V107 = "samr-order45-2021.1", "samr-order107-2025.1"
FOOD = KeyArea.FOOD_PRODUCTION

MINOR_FINE = penalty(M.FINE, fine="50000")  # decided 2026-01-12
GENERAL_FINE = penalty(M.FINE, fine="100000")
SERIOUS_FINE = penalty(M.FINE, fine="100000", key_area=FOOD)


def expect(
    state: PublicityState,
    published: dt.date | None,
    until: dt.date | None,
    repairable: dt.date | None,
    repair: RepairEligibility,
    version: str = V107,
) -> tuple[Any, ...]:
    return (state, published, until, repairable, repair, version)


def observed(record: Penalty, today: dt.date, **kwargs: Any) -> tuple[Any, ...]:
    p = penalty_publicity(record, today, **kwargs)
    return (p.state, p.published_on, p.public_until, p.repairable_from, p.repair, p.rules_version)


@pytest.mark.parametrize(
    ("record", "today", "expected", "rule"),
    [
        (
            MINOR_FINE,
            D(2026, 4, 12),
            expect(PUBLIC, D(2026, 1, 12), D(2026, 4, 13), None, NOT_NEEDED),
            "107 minor: public 3 months, last day; repair not needed",
        ),
        (
            MINOR_FINE,
            D(2026, 4, 13),
            expect(ENDED, D(2026, 1, 12), D(2026, 4, 13), None, NOT_NEEDED),
            "107 minor: ended after 3 months",
        ),
        (
            GENERAL_FINE,
            D(2027, 1, 12),
            expect(PUBLIC, D(2026, 1, 12), D(2027, 1, 13), D(2026, 4, 13), ALLOWED),
            "107 general: public 1 year, last day; repair after 3 months",
        ),
        (
            GENERAL_FINE,
            D(2027, 1, 13),
            expect(ENDED, D(2026, 1, 12), D(2027, 1, 13), D(2026, 4, 13), ALLOWED),
            "107 general: ended after 1 year",
        ),
        (
            SERIOUS_FINE,
            D(2029, 1, 12),
            expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), D(2027, 1, 13), ALLOWED),
            "107 serious: public 3 years, last day; repair after 1 year",
        ),
        (
            SERIOUS_FINE,
            D(2029, 1, 13),
            expect(ENDED, D(2026, 1, 12), D(2029, 1, 13), D(2027, 1, 13), ALLOWED),
            "107 serious: ended after 3 years",
        ),
        (
            GENERAL_FINE,
            D(2026, 1, 11),
            expect(NOT_PUBLISHED, D(2026, 1, 12), D(2027, 1, 13), D(2026, 4, 13), ALLOWED),
            "not published before its publication date",
        ),
        (
            GENERAL_FINE,
            D(2026, 1, 12),
            expect(PUBLIC, D(2026, 1, 12), D(2027, 1, 13), D(2026, 4, 13), ALLOWED),
            "publication taken on the decision date",
        ),
        (
            penalty(M.FINE, fine="100", procedure=PenaltyProcedure.SIMPLE),
            D(2026, 2, 1),
            expect(NOT_PUBLISHED, None, None, None, NOT_NEEDED),
            "Order 45 Art.2: simple procedure never published",
        ),
        (
            penalty(M.WARNING),
            D(2026, 2, 1),
            expect(NOT_PUBLISHED, None, None, None, NOT_NEEDED),
            "Order 45 Art.2: warning only never published",
        ),
        (
            penalty(M.WARNING, M.CIRCULATED_CRITICISM),
            D(2026, 2, 1),
            expect(PUBLIC, D(2026, 1, 12), D(2026, 4, 13), None, NOT_NEEDED),
            "warning with another measure is published; minor",
        ),
    ],
)
def test_penalty_periods_under_order_107(
    record: Penalty, today: dt.date, expected: tuple[Any, ...], rule: str
) -> None:
    assert observed(record, today) == expected, rule


@pytest.mark.parametrize(
    "measure", [M.LICENSE_REVOCATION, M.BUSINESS_LICENSE_REVOCATION, M.DOWNGRADE, M.CLOSURE]
)
def test_revocation_downgrade_closure_never_repairable(measure: M) -> None:
    """107: revocation, downgrade and closure can never be repaired (repairableFrom null)."""
    record = penalty(M.FINE, measure, fine="100000")
    assert observed(record, D(2028, 1, 1)) == expect(
        PUBLIC, D(2026, 1, 12), D(2029, 1, 13), None, NEVER
    )


SUSPENDED = penalty(M.SUSPENSION)


@pytest.mark.parametrize(
    ("record", "ends", "today", "expected", "rule"),
    [
        (
            SUSPENDED,
            None,
            D(2027, 2, 1),
            expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), None, WAITING),
            "107: restriction cases only after the restriction ends; end unknown",
        ),
        (
            SUSPENDED,
            D(2026, 6, 30),
            D(2027, 2, 1),
            expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), D(2027, 1, 13), ALLOWED),
            "107: ended before the year was up: after 1 year",
        ),
        (
            SUSPENDED,
            D(2027, 6, 30),
            D(2027, 2, 1),
            expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), D(2027, 7, 1), ALLOWED),
            "107: restriction ends after the year: the day after it ends",
        ),
        (
            penalty(M.RESTRICTION),
            D(2027, 6, 30),
            D(2027, 2, 1),
            expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), D(2027, 7, 1), ALLOWED),
            "107: restriction",
        ),
        (
            penalty(M.OCCUPATIONAL_BAN),
            D(2027, 6, 30),
            D(2027, 2, 1),
            expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), D(2027, 7, 1), ALLOWED),
            "107: occupational ban",
        ),
        (
            SUSPENDED,
            D(2030, 6, 30),
            D(2030, 6, 30),
            expect(PUBLIC, D(2026, 1, 12), D(2030, 7, 1), D(2030, 7, 1), ALLOWED),
            "Order 45 Art.13: restriction longer than publicity keeps it public",
        ),
        (
            SUSPENDED,
            D(2030, 6, 30),
            D(2030, 7, 1),
            expect(ENDED, D(2026, 1, 12), D(2030, 7, 1), D(2030, 7, 1), ALLOWED),
            "publicity ends the day after the restriction",
        ),
    ],
)
def test_restriction_end(
    record: Penalty, ends: dt.date | None, today: dt.date, expected: tuple[Any, ...], rule: str
) -> None:
    assert observed(record, today, restriction_ends_on=ends) == expected, rule


@pytest.mark.parametrize(
    ("today", "expected", "rule"),
    [
        (
            D(2026, 4, 30),
            expect(PUBLIC, D(2026, 1, 12), D(2027, 1, 13), D(2026, 4, 13), ALLOWED),
            "before the repair date still public",
        ),
        (
            D(2026, 5, 1),
            expect(REPAIRED, D(2026, 1, 12), D(2026, 5, 1), D(2026, 4, 13), ALLOWED),
            "107: repair ends publicity early",
        ),
    ],
)
def test_repair(today: dt.date, expected: tuple[Any, ...], rule: str) -> None:
    assert observed(GENERAL_FINE, today, repaired_on=D(2026, 5, 1)) == expected, rule


def test_published_on_argument_moves_the_periods() -> None:
    """A publication date from the source replaces the decision date as the start."""
    got = observed(GENERAL_FINE, D(2027, 2, 5), published_on=D(2026, 2, 5))
    assert got == expect(PUBLIC, D(2026, 2, 5), D(2027, 2, 6), D(2026, 5, 6), ALLOWED)


def test_serious_listed_case_is_public_three_years() -> None:
    """107 serious: serious-list case; a general fine otherwise public 1 year."""
    got = observed(GENERAL_FINE, D(2027, 6, 1), serious_listed=True)
    assert got == expect(PUBLIC, D(2026, 1, 12), D(2029, 1, 13), D(2027, 1, 13), ALLOWED)


COSMETICS = "销售不符合技术规范的化妆品"


@pytest.mark.parametrize(
    ("record", "today", "expected", "rule"),
    [
        (
            penalty(M.FINE, fine="100000", decided=D(2024, 6, 3)),
            D(2025, 12, 24),
            expect(PUBLIC, D(2024, 6, 3), D(2027, 6, 4), D(2024, 12, 4), ALLOWED, V45),
            "decided before, asked before 2025-12-25: Order 45 3 years, 2021 repair after 6 months",
        ),
        (
            penalty(M.FINE, fine="100000", decided=D(2024, 6, 3)),
            D(2025, 12, 25),
            expect(ENDED, D(2024, 6, 3), D(2025, 6, 4), D(2024, 9, 4), ALLOWED, V107),
            "decided before, asked after: Order 107 general, 1 year already over",
        ),
        (
            penalty(M.FINE, fine="100000", key_area=FOOD, decided=D(2025, 3, 3)),
            D(2025, 12, 24),
            expect(PUBLIC, D(2025, 3, 3), D(2028, 3, 4), D(2026, 3, 4), ALLOWED, V45),
            "2021 repair: food waits 1 year",
        ),
        (
            penalty(M.FINE, fine="100000", key_area=FOOD, decided=D(2025, 3, 3)),
            D(2025, 12, 25),
            expect(PUBLIC, D(2025, 3, 3), D(2028, 3, 4), D(2026, 3, 4), ALLOWED, V107),
            "107 serious: food, 3 years, repair after 1 year",
        ),
        (
            penalty(M.FINE, fine="60000", violation=COSMETICS, decided=D(2025, 3, 3)),
            D(2025, 12, 24),
            expect(PUBLIC, D(2025, 3, 3), D(2028, 3, 4), D(2025, 9, 4), ALLOWED, V45),
            "2021 repair: cosmetics wait 6 months",
        ),
        (
            penalty(M.FINE, fine="60000", violation=COSMETICS, decided=D(2025, 3, 3)),
            D(2025, 12, 25),
            expect(PUBLIC, D(2025, 3, 3), D(2028, 3, 4), D(2026, 3, 4), ALLOWED, V107),
            "107 serious: cosmetics wait 1 year",
        ),
        (
            penalty(M.FINE, fine="20000", decided=D(2025, 10, 10)),
            D(2025, 12, 24),
            expect(PUBLIC, D(2025, 10, 10), D(2026, 1, 11), None, NOT_NEEDED, V45),
            "Order 45 Art.13: lower fine public 3 months",
        ),
        (
            penalty(M.FINE, fine="100000", decided=D(2022, 1, 10)),
            D(2025, 1, 10),
            expect(PUBLIC, D(2022, 1, 10), D(2025, 1, 11), D(2022, 7, 11), ALLOWED, V45),
            "Order 45 Art.13: other penalties public 3 years, last day",
        ),
        (
            penalty(M.FINE, fine="100000", decided=D(2022, 1, 10)),
            D(2025, 1, 11),
            expect(ENDED, D(2022, 1, 10), D(2025, 1, 11), D(2022, 7, 11), ALLOWED, V45),
            "Order 45 Art.13: ended after 3 years",
        ),
        (
            penalty(M.FINE, fine="100000", decided=D(2026, 1, 5)),
            D(2025, 12, 24),
            expect(NOT_PUBLISHED, D(2026, 1, 5), D(2029, 1, 6), D(2026, 7, 6), ALLOWED, V45),
            "decided after 2025-12-25, asked before: the 2021 rules answer",
        ),
    ],
)
def test_switch_on_2025_12_25(
    record: Penalty, today: dt.date, expected: tuple[Any, ...], rule: str
) -> None:
    assert observed(record, today) == expected, rule


def test_2021_restriction_in_food_waits_for_the_longer_of_both() -> None:
    record = penalty(M.SUSPENSION, key_area=FOOD, decided=D(2025, 3, 3))
    got = observed(record, D(2025, 12, 1), restriction_ends_on=D(2025, 9, 30))
    assert got == expect(PUBLIC, D(2025, 3, 3), D(2028, 3, 4), D(2026, 3, 4), ALLOWED, V45)


@pytest.mark.parametrize("result", list(InspectionResult))
def test_inspection_results(result: InspectionResult) -> None:
    """107: negative results without a heavier penalty stop after 3 months; clean results
    and status facts stay public 3 years [unverified]."""
    negative = result in NEGATIVE_INSPECTION_RESULTS
    until = D(2026, 4, 13) if negative else D(2029, 1, 13)
    record = inspection(result)
    last = inspection_publicity(record, D(2026, 4, 12))
    after = inspection_publicity(record, D(2026, 4, 13))
    assert (last.state, last.public_until, last.repairable_from) == (PUBLIC, until, None)
    assert after.state is (ENDED if negative else PUBLIC)


def test_negative_result_codes() -> None:
    """The choice of which results count against an enterprise (domain §6)."""
    assert {r.value for r in NEGATIVE_INSPECTION_RESULTS} == {
        "CORRECTED_ON_ORDER",
        "PROBLEM_PENDING",
        "RULE_VIOLATION",
        "UNREACHABLE",
        "INFO_NOT_DISCLOSED",
        "INFO_FALSE",
        "REFUSED_INSPECTION",
        "SAMPLE_UNQUALIFIED",
    }


@pytest.mark.parametrize(
    ("tier", "until", "repair", "rule"),
    [
        (None, D(2026, 4, 13), NOT_NEEDED, "107: no penalty, 3 months"),
        (Severity.MINOR, D(2026, 4, 13), NOT_NEEDED, "107: only a minor penalty, 3 months"),
        (
            Severity.GENERAL,
            D(2027, 1, 13),
            RepairEligibility.WITH_PENALTY,
            "follows a general penalty",
        ),
        (
            Severity.SERIOUS,
            D(2029, 1, 13),
            RepairEligibility.WITH_PENALTY,
            "follows a serious penalty",
        ),
    ],
)
def test_negative_result_with_penalty(
    tier: Severity | None, until: dt.date, repair: RepairEligibility, rule: str
) -> None:
    got = inspection_publicity(
        inspection(InspectionResult.RULE_VIOLATION), D(2026, 2, 1), penalty_tier=tier
    )
    assert (got.state, got.public_until, got.repair) == (PUBLIC, until, repair), rule


@pytest.mark.parametrize(
    ("today", "state", "until", "version", "rule"),
    [
        (D(2025, 12, 24), PUBLIC, D(2028, 9, 2), V45, "2021: no 3-month end [unverified: 3 years]"),
        (D(2025, 12, 25), ENDED, D(2025, 12, 2), V107, "107: 3 months, already over"),
    ],
)
def test_inspection_switch(
    today: dt.date, state: PublicityState, until: dt.date, version: str, rule: str
) -> None:
    got = inspection_publicity(inspection(InspectionResult.UNREACHABLE, D(2025, 9, 1)), today)
    assert (got.state, got.public_until, got.rules_version) == (state, until, version), rule


@pytest.mark.parametrize(
    ("today", "repaired", "state", "rule"),
    [
        (D(2026, 1, 11), None, NOT_PUBLISHED, "before the inspection"),
        (D(2026, 2, 1), D(2026, 2, 1), REPAIRED, "repaired"),
        (D(2026, 1, 31), D(2026, 2, 1), PUBLIC, "repair still ahead"),
    ],
)
def test_inspection_states(
    today: dt.date, repaired: dt.date | None, state: PublicityState, rule: str
) -> None:
    record = inspection(InspectionResult.RULE_VIOLATION)
    assert inspection_publicity(record, today, repaired_on=repaired).state is state, rule


WHO = "penalty 汕龙市监罚〔2026〕7号"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"repaired_on": D(2026, 1, 11)},
            f"{WHO}: repaired_on 2026-01-11 is before its publication 2026-01-12",
        ),
        (
            {"published_on": D(2026, 1, 11)},
            f"{WHO}: published_on 2026-01-11 is before the decision date 2026-01-12",
        ),
        (
            {"restriction_ends_on": D(2025, 1, 1)},
            f"{WHO}: restriction_ends_on 2025-01-01 is before the decision date",
        ),
        (
            {"published_on": D(2026, 2, 1), "repaired_on": D(2026, 1, 20)},
            f"{WHO}: repaired_on 2026-01-20 is before its publication 2026-02-01",
        ),
    ],
)
def test_impossible_penalty_dates(kwargs: dict[str, dt.date], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        penalty_publicity(GENERAL_FINE, D(2026, 6, 1), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"published_on": D(2026, 1, 1)},
            "inspection SJ-2026-0113: published_on 2026-01-01 is before inspected_on",
        ),
        (
            {"repaired_on": D(2026, 1, 1)},
            "inspection SJ-2026-0113: repaired_on 2026-01-01 is before its publication",
        ),
    ],
)
def test_impossible_inspection_dates(kwargs: dict[str, dt.date], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        inspection_publicity(inspection(InspectionResult.NO_PROBLEM), D(2026, 6, 1), **kwargs)  # type: ignore[arg-type]


def test_impossible_amount_is_refused_for_publicity_too() -> None:
    with pytest.raises(ValueError, match=f"{WHO}: fine_amount -5 is not a valid amount"):
        penalty_publicity(penalty(M.FINE, fine="-5"), D(2026, 6, 1))


@pytest.mark.parametrize(
    ("day", "months", "expected", "rule"),
    [
        (D(2026, 1, 12), 3, D(2026, 4, 12), "corresponding day"),
        (D(2026, 1, 31), 1, D(2026, 2, 28), "Civil Code Art.202: no corresponding day, month end"),
        (D(2024, 2, 29), 12, D(2025, 2, 28), "leap day to a common year"),
        (D(2027, 11, 30), 3, D(2028, 2, 29), "month end in a leap year"),
        (D(2026, 12, 15), 1, D(2027, 1, 15), "across the year"),
        (D(2026, 1, 12), 36, D(2029, 1, 12), "three years"),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date, rule: str) -> None:
    assert add_months(day, months) == expected, rule


def test_period_end_is_the_day_after_the_last_day() -> None:
    assert period_end(D(2026, 1, 31), 1) == D(2026, 3, 1)


@pytest.mark.parametrize(
    ("decided", "calendar", "expected", "rule"),
    [
        (
            D(2026, 2, 9),
            WorkingCalendar(),
            D(2026, 3, 13),
            "20 working days across the Spring Festival",
        ),
        (D(2026, 9, 21), WorkingCalendar(), D(2026, 10, 26), "20 working days across National Day"),
        (
            D(2026, 2, 9),
            WorkingCalendar(extra_holidays=frozenset({D(2026, 3, 13)})),
            D(2026, 3, 16),
            "a configured holiday moves the deadline",
        ),
    ],
)
def test_publication_deadline(
    decided: dt.date, calendar: WorkingCalendar, expected: dt.date, rule: str
) -> None:
    assert publication_deadline(decided, calendar=calendar) == expected, rule
