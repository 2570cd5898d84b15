"""Verification on both sides of every date boundary: the 3-year look-back, the 财库〔2022〕3号
threshold switch (2022-02-08), the repeal of the abnormal-list escalation (2024-03-10), list
expiry and removal, and records dated after the day asked about.

Periods count as the Civil Code does: a major violation decided 2022-05-10 counts through
2025-05-10; an abnormal-list entry of 2020-06-01 has been listed 3 years from 2023-06-02.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.records import CommitmentStatus, ListKind, PenaltyMeasure, Record
from gateway.rules.verification import Purpose, Verdict, judge
from tests.rules.test_verification import (
    ABNORMAL,
    CAUTION,
    CLEAR,
    RESTRICTED,
    SERIOUS,
    D,
    commitment,
    listing,
    penalty,
    profile,
    verdict_of,
)

M = PenaltyMeasure
P = Purpose
PROCUREMENT = P.GOVERNMENT_PROCUREMENT
MAJOR = (RESTRICTED, ["MAJOR_VIOLATION"])
PUBLIC = (CAUTION, ["PENALTY_IN_PUBLICITY"])
ESCALATED = (RESTRICTED, ["ABNORMAL_LIST_ESCALATED"])


@pytest.mark.parametrize(
    ("on", "expected", "rule"),
    [
        (D(2022, 5, 9), (CLEAR, []), "decided the next day: ignored"),
        (D(2022, 5, 10), MAJOR, "decision day"),
        (D(2025, 5, 9), MAJOR, "day before the third anniversary"),
        (D(2025, 5, 10), MAJOR, "third anniversary: last day of the look-back"),
        (D(2025, 5, 11), (CLEAR, []), "look-back over; its 3 years of publicity too"),
    ],
)
def test_major_violation_look_back_of_three_years(
    on: dt.date, expected: tuple[Verdict, list[str]], rule: str
) -> None:
    p = profile(penalty(M.SUSPENSION, decided=D(2022, 5, 10)))
    assert verdict_of(p, PROCUREMENT, on) == expected, rule


def test_major_violation_finding_runs_to_the_end_of_the_look_back() -> None:
    p = profile(penalty(M.LICENSE_REVOCATION, decided=D(2022, 5, 10)))
    (finding,) = judge(p, PROCUREMENT, D(2023, 1, 1)).findings
    assert (finding.since, finding.until) == (D(2022, 5, 10), D(2025, 5, 11))


FINE_DAY = D(2022, 1, 10)  # a general-tier fine, public 3 years under Order 45


@pytest.mark.parametrize(
    ("fine", "on", "expected", "basis"),
    [
        ("999999.99", D(2022, 2, 7), PUBLIC, None),
        ("1000000", D(2022, 2, 7), MAJOR, "地方财政部门确定"),
        ("1500000", D(2022, 2, 7), MAJOR, "地方财政部门确定"),
        ("1500000", D(2022, 2, 8), PUBLIC, None),
        ("1999999.99", D(2022, 2, 8), PUBLIC, None),
        ("2000000", D(2022, 2, 7), MAJOR, "地方财政部门确定"),
        ("2000000", D(2022, 2, 8), MAJOR, "财库〔2022〕3号"),
        ("2000000.00", D(2026, 6, 1), MAJOR, "财库〔2022〕3号"),
    ],
)
def test_procurement_fine_threshold_switches_on_2022_02_08(
    fine: str, on: dt.date, expected: tuple[Verdict, list[str]], basis: str | None
) -> None:
    decided = FINE_DAY if on < D(2026, 1, 1) else D(2024, 1, 10)
    p = profile(penalty(M.FINE, decided=decided, fine=fine))
    judgement = judge(p, PROCUREMENT, on)
    assert (judgement.verdict, [f.code for f in judgement.findings]) == expected
    if basis is not None:
        assert basis in judgement.findings[0].legal_basis
        assert f"罚款{fine}元" in judgement.findings[0].summary


LISTED = D(2020, 6, 1)


@pytest.mark.parametrize(
    ("on", "purpose", "expected", "rule"),
    [
        (D(2023, 6, 1), P.PUBLIC_BIDDING, (CAUTION, ["ABNORMAL_LIST_ACTIVE"]), "3 years end today"),
        (D(2023, 6, 2), P.PUBLIC_BIDDING, ESCALATED, "3 years on the list: counts as serious"),
        (D(2024, 3, 9), P.PUBLIC_BIDDING, ESCALATED, "last day of the old rule"),
        (D(2024, 3, 10), P.PUBLIC_BIDDING, (CAUTION, ["ABNORMAL_LIST_ACTIVE"]), "repealed"),
        (D(2024, 3, 9), P.COMMITMENT_APPROVAL, ESCALATED, "serious list bars commitments"),
        (D(2024, 3, 10), P.COMMITMENT_APPROVAL, (CLEAR, []), "abnormal list alone does not"),
        (D(2024, 3, 9), P.GOVERNMENT_PROCUREMENT, ESCALATED, "procurement"),
        (D(2024, 3, 9), P.CHANGE_REGISTRATION, ESCALATED, "change registration"),
        (D(2024, 3, 10), P.CHANGE_REGISTRATION, (RESTRICTED, ["ABNORMAL_LIST_ACTIVE"]), "still bars"),
        (D(2024, 3, 9), P.FISCAL_SUPPORT, ESCALATED, "fiscal support"),
        (D(2024, 3, 10), P.HONOURS, (CAUTION, ["ABNORMAL_LIST_ACTIVE"]), "honours"),
    ],
)
def test_abnormal_list_escalation_applies_only_before_2024_03_10(
    on: dt.date, purpose: Purpose, expected: tuple[Verdict, list[str]], rule: str
) -> None:
    assert verdict_of(profile(listing(ABNORMAL, LISTED)), purpose, on) == expected, rule


def test_an_escalated_entry_runs_until_the_repeal_or_its_expiry() -> None:
    (open_ended,) = judge(profile(listing(ABNORMAL, LISTED)), P.HONOURS, D(2023, 7, 1)).findings
    assert (open_ended.since, open_ended.until) == (D(2023, 6, 2), D(2024, 3, 10))
    assert "满3年" in open_ended.summary
    assert "（2014年）第十七条" in open_ended.legal_basis
    expiring = profile(listing(ABNORMAL, LISTED, expires=D(2023, 9, 1)))
    (finding,) = judge(expiring, P.HONOURS, D(2023, 7, 1)).findings
    assert finding.until == D(2023, 9, 1)


def test_a_removed_abnormal_entry_never_escalates() -> None:
    p = profile(listing(ABNORMAL, LISTED, removed=D(2021, 1, 1)))
    assert verdict_of(p, P.PUBLIC_BIDDING, D(2023, 7, 1)) == (CLEAR, [])


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2023, 4, 30), (CLEAR, [])),  # listed the next day
        (D(2023, 5, 1), (RESTRICTED, ["SERIOUS_LIST_ACTIVE"])),
        (D(2026, 4, 30), (RESTRICTED, ["SERIOUS_LIST_ACTIVE"])),  # last day
        (D(2026, 5, 1), (CLEAR, [])),  # expiry day: off the list
    ],
)
def test_serious_list_entry_from_listing_to_expiry(
    on: dt.date, expected: tuple[Verdict, list[str]]
) -> None:
    p = profile(listing(SERIOUS, D(2023, 5, 1), expires=D(2026, 5, 1)))
    assert verdict_of(p, P.PUBLIC_BIDDING, on) == expected


@pytest.mark.parametrize("kind", [SERIOUS, ABNORMAL])
def test_a_removed_entry_does_not_count(kind: ListKind) -> None:
    p = profile(listing(kind, D(2025, 1, 5), removed=D(2025, 3, 1)))
    assert verdict_of(profile(listing(kind, D(2025, 1, 5))), P.CHANGE_REGISTRATION)[0] is RESTRICTED
    assert verdict_of(p, P.CHANGE_REGISTRATION, D(2026, 6, 1)) == (CLEAR, [])


@pytest.mark.parametrize(
    ("record", "purpose", "next_day"),
    [
        (penalty(M.SUSPENSION, decided=D(2026, 6, 2)), P.GOVERNMENT_PROCUREMENT, RESTRICTED),
        (penalty(M.FINE, fine="100000", decided=D(2026, 6, 2)), P.HONOURS, CAUTION),
        (listing(SERIOUS, D(2026, 6, 2), expires=D(2029, 6, 2)), P.PUBLIC_BIDDING, RESTRICTED),
        (listing(ABNORMAL, D(2026, 6, 2)), P.CHANGE_REGISTRATION, RESTRICTED),
        (commitment(CommitmentStatus.BREACHED, D(2026, 6, 2)), P.COMMITMENT_APPROVAL, RESTRICTED),
        (commitment(CommitmentStatus.BREACHED, D(2026, 1, 2), D(2026, 6, 2)),
         P.COMMITMENT_APPROVAL, RESTRICTED),
    ],
    ids=["major penalty", "public penalty", "serious list", "abnormal list",
         "commitment", "breach found later"],
)
def test_records_dated_after_the_day_are_ignored(
    record: Record, purpose: Purpose, next_day: Verdict
) -> None:
    p = profile(record)
    assert verdict_of(p, purpose, D(2026, 6, 1)) == (CLEAR, [])
    assert verdict_of(p, purpose, D(2026, 6, 2))[0] is next_day


def test_a_breach_without_a_check_date_counts_from_the_commitment() -> None:
    p = profile(commitment(CommitmentStatus.BREACHED, D(2025, 5, 1)))
    (finding,) = judge(p, P.COMMITMENT_APPROVAL, D(2026, 6, 1)).findings
    assert (finding.since, finding.until) == (D(2025, 5, 1), None)
    assert "，经核查未履行" in finding.summary


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # Order 45 (to 2025-12-24): a general fine is public 3 years.
        (D(2025, 12, 24), PUBLIC),
        # Order 107 (from 2025-12-25): 1 year, long over.
        (D(2025, 12, 25), (CLEAR, [])),
    ],
)
def test_penalty_publicity_follows_the_publicity_rules_in_force(
    on: dt.date, expected: tuple[Verdict, list[str]]
) -> None:
    p = profile(penalty(M.FINE, fine="100000", decided=D(2024, 1, 10)))
    assert verdict_of(p, PROCUREMENT, on) == expected
