"""Verification verdicts per purpose (domain §9): every purpose against each kind of record,
the enterprise's status, missing and stale data, findings and their order, purity.

Profiles are built directly from canonical records; the helpers here are shared by the other
test_verification_*.py files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from gateway.archive.profile import Profile, Provenance, Stored
from gateway.records import (
    SELF_DISCIPLINE_KIND,
    Commitment,
    CommitmentStatus,
    EnterpriseStatus,
    Inspection,
    InspectionKind,
    InspectionResult,
    License,
    LicenseStatus,
    Listing,
    ListKind,
    Penalty,
    PenaltyMeasure,
    PenaltyProcedure,
    Record,
    Registration,
)
from gateway.rules.verification import (
    Finding,
    FindingEffect,
    Judgement,
    Purpose,
    Verdict,
    judge,
)
from gateway.uscc import make

D = dt.date
M = PenaltyMeasure
P = Purpose
USCC = make("91440507MA5A0001X")
NAME = "汕头市龙湖区示例食品有限公司"
ON = D(2026, 6, 1)  # verify-2024.1 with samr-order107-2025.1
RECEIVED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
SERIOUS, ABNORMAL = ListKind.SERIOUS_DISHONESTY, ListKind.ABNORMAL_OPERATIONS
RESTRICTED, CAUTION, CLEAR = Verdict.RESTRICTED, Verdict.CAUTION, Verdict.CLEAR
INDETERMINATE, NOT_FOUND = Verdict.INDETERMINATE, Verdict.NOT_FOUND
RESTRICTS, CAUTIONS, INFORMS = FindingEffect.RESTRICTS, FindingEffect.CAUTIONS, FindingEffect.INFORMS

_ids = itertools.count(100)


def stored(record: Record, source: str = "enforcement") -> Stored[Any]:
    """The record as the archive keeps it, with a fresh archive id and a provenance."""
    number = next(_ids)
    provenance = Provenance(source, "市场监管", f"{source}-{number}", None, RECEIVED)
    return Stored(str(number), record, provenance)


def registration(status: EnterpriseStatus = EnterpriseStatus.OPERATING) -> Registration:
    return Registration(uscc=USCC, name=NAME, status=status, division="440507")


def listing(
    kind: ListKind,
    listed: dt.date,
    *,
    expires: dt.date | None = None,
    removed: dt.date | None = None,
    decision: str | None = None,
) -> Listing:
    return Listing(
        uscc=USCC,
        kind=kind,
        enterprise_name=NAME,
        reason="未按规定期限公示年度报告" if kind is ABNORMAL else "生产经营不符合食品安全标准的食品",
        listed_on=listed,
        listed_by="汕头市龙湖区市场监督管理局",
        decision_number=decision,
        expires_on=expires,
        removed_on=removed,
    )


def penalty(
    *measures: PenaltyMeasure,
    decided: dt.date,
    fine: str | None = None,
    number: str = "汕龙市监罚〔2026〕7号",
    procedure: PenaltyProcedure = PenaltyProcedure.ORDINARY,
) -> Penalty:
    return Penalty(
        uscc=USCC,
        decision_number=number,
        decided_on=decided,
        authority="汕头市龙湖区市场监督管理局",
        violation="发布虚假广告",
        measures=measures,
        procedure=procedure,
        legal_basis="《中华人民共和国广告法》第五十五条",
        fine_amount=None if fine is None else Decimal(fine),
    )


def commitment(
    status: CommitmentStatus, committed: dt.date, checked: dt.date | None = None
) -> Commitment:
    return Commitment(
        uscc=USCC,
        kind="证明事项告知承诺",
        content="具备食品生产场所",
        committed_on=committed,
        status=status,
        checked_on=checked,
    )


INSPECTED = D(2026, 5, 1)


def inspection(result: InspectionResult, inspected: dt.date = INSPECTED) -> Inspection:
    return Inspection(
        uscc=USCC,
        reference="SJ-2026-0501",
        kind=InspectionKind.RANDOM,
        inspected_on=inspected,
        authority="汕头市市场监督管理局",
        result=result,
    )


def licence(status: LicenseStatus) -> License:
    return License(
        uscc=USCC, number="SC10644050700011", title="食品生产许可证",
        issued_by="汕头市市场监督管理局", status=status, issued_on=D(2021, 1, 5),
    )


def profile(*records: Record, status: EnterpriseStatus = EnterpriseStatus.OPERATING) -> Profile:
    """A profile of the registration with `status` and `records` (each list newest first)."""

    def of(cls: type[Any], day: Callable[[Any], dt.date | None]) -> tuple[Stored[Any], ...]:
        chosen = [stored(r) for r in records if isinstance(r, cls)]
        return tuple(sorted(chosen, key=lambda s: day(s.record) or D.min, reverse=True))

    return Profile(
        registration=stored(registration(status), "registration"),
        licenses=of(License, lambda r: r.issued_on),
        penalties=of(Penalty, lambda r: r.decided_on),
        inspections=of(Inspection, lambda r: r.inspected_on),
        listings=of(Listing, lambda r: r.listed_on),
        commitments=of(Commitment, lambda r: r.committed_on),
        key_areas=(),
    )


def outcome(judgement: Judgement) -> tuple[Verdict, list[str]]:
    return judgement.verdict, [f.code for f in judgement.findings]


def verdict_of(p: Profile | None, purpose: Purpose, on: dt.date = ON, **kwargs: Any) -> Any:
    return outcome(judge(p, purpose, on, **kwargs))


# Records as of ON = 2026-06-01.
RECORDS: dict[str, Record] = {
    "serious list": listing(SERIOUS, D(2025, 1, 10), expires=D(2028, 1, 10), decision="汕龙市监罚〔2025〕3号"),
    "abnormal list": listing(ABNORMAL, D(2025, 7, 1)),
    # Suspension: a major violation, and a serious-tier penalty public for 3 years.
    "suspension": penalty(M.SUSPENSION, decided=D(2026, 3, 1)),
    # Fine of 100,000: a general-tier penalty public for 1 year under Order 107.
    "general fine": penalty(M.FINE, decided=D(2026, 3, 1), fine="100000"),
    "breached commitment": commitment(CommitmentStatus.BREACHED, D(2025, 5, 1), D(2025, 8, 1)),
    # Records that no purpose weighs.
    "warning": penalty(M.WARNING, decided=D(2026, 3, 1)),
    "simple procedure fine": penalty(M.FINE, decided=D(2026, 3, 1), fine="200", procedure=PenaltyProcedure.SIMPLE),
    "fine no longer public": penalty(M.FINE, decided=D(2024, 3, 1), fine="100000"),
    "fulfilled commitment": commitment(CommitmentStatus.FULFILLED, D(2025, 5, 1), D(2025, 8, 1)),
    "commitment in force": commitment(CommitmentStatus.IN_FORCE, D(2025, 5, 1)),
    "negative inspection": inspection(InspectionResult.REFUSED_INSPECTION),
    "unqualified sample": inspection(InspectionResult.SAMPLE_UNQUALIFIED),
    "revoked licence": licence(LicenseStatus.REVOKED),
    "expired listing": listing(SERIOUS, D(2022, 1, 10), expires=D(2025, 1, 10)),
    "removed listing": listing(ABNORMAL, D(2025, 7, 1), removed=D(2025, 9, 1)),
}

_R = (RESTRICTED, ["SERIOUS_LIST_ACTIVE"])
_CLEAR: tuple[Verdict, list[str]] = (CLEAR, [])
_ABNORMAL_C = (CAUTION, ["ABNORMAL_LIST_ACTIVE"])
_PUBLIC_C = (CAUTION, ["PENALTY_IN_PUBLICITY"])

# Domain §9, row by row: what each record does for each purpose.
EXPECTED: dict[str, dict[Purpose, tuple[Verdict, list[str]]]] = {
    "serious list": dict.fromkeys(Purpose, _R),
    "abnormal list": {
        P.GOVERNMENT_PROCUREMENT: _ABNORMAL_C,
        P.PUBLIC_BIDDING: _ABNORMAL_C,
        P.CHANGE_REGISTRATION: (RESTRICTED, ["ABNORMAL_LIST_ACTIVE"]),
        P.COMMITMENT_APPROVAL: _CLEAR,
        P.FISCAL_SUPPORT: _ABNORMAL_C,
        P.HONOURS: _ABNORMAL_C,
    },
    "suspension": {
        P.GOVERNMENT_PROCUREMENT: (RESTRICTED, ["MAJOR_VIOLATION"]),
        P.PUBLIC_BIDDING: _CLEAR,
        P.CHANGE_REGISTRATION: _CLEAR,
        P.COMMITMENT_APPROVAL: _CLEAR,
        P.FISCAL_SUPPORT: _PUBLIC_C,
        P.HONOURS: _PUBLIC_C,
    },
    "general fine": {
        P.GOVERNMENT_PROCUREMENT: _PUBLIC_C,
        P.PUBLIC_BIDDING: _CLEAR,
        P.CHANGE_REGISTRATION: _CLEAR,
        P.COMMITMENT_APPROVAL: _CLEAR,
        P.FISCAL_SUPPORT: _PUBLIC_C,
        P.HONOURS: _PUBLIC_C,
    },
    "breached commitment": {
        **dict.fromkeys(Purpose, _CLEAR),
        P.COMMITMENT_APPROVAL: (RESTRICTED, ["COMMITMENT_BREACHED"]),
    },
    **{
        name: dict.fromkeys(Purpose, _CLEAR)
        for name in RECORDS
        if name not in {"serious list", "abnormal list", "suspension", "general fine",
                        "breached commitment"}
    },
}


@pytest.mark.parametrize(("name", "purpose"), list(itertools.product(RECORDS, Purpose)))
def test_each_purpose_weighs_each_kind_of_record(name: str, purpose: Purpose) -> None:
    assert verdict_of(profile(RECORDS[name]), purpose) == EXPECTED[name][purpose]


def test_a_breached_promise_to_an_association_does_not_bar_commitment_based_approval() -> None:
    breach = dataclasses.replace(
        commitment(CommitmentStatus.BREACHED, D(2025, 5, 1), D(2025, 8, 1)),
        kind=SELF_DISCIPLINE_KIND)
    assert verdict_of(profile(breach), P.COMMITMENT_APPROVAL) == _CLEAR


@pytest.mark.parametrize("purpose", list(Purpose))
def test_nothing_on_record_is_clear(purpose: Purpose) -> None:
    judgement = judge(profile(), purpose, ON)
    assert (judgement.verdict, judgement.findings) == (CLEAR, ())


@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize(
    ("status", "code", "basis"),
    [
        (EnterpriseStatus.DEREGISTERED, "ENTERPRISE_DEREGISTERED", "第六十八条"),
        (EnterpriseStatus.REVOKED, "ENTERPRISE_REVOKED", "第六十九条"),
    ],
)
def test_a_deregistered_or_revoked_enterprise_is_restricted_for_every_purpose(
    purpose: Purpose, status: EnterpriseStatus, code: str, basis: str
) -> None:
    p = profile(status=status)
    judgement = judge(p, purpose, ON)
    assert outcome(judgement) == (RESTRICTED, [code])
    finding = judgement.findings[0]
    assert finding.record is p.registration
    assert basis in finding.legal_basis and "民法典" in finding.legal_basis
    assert NAME in finding.summary and USCC in finding.summary
    assert (finding.since, finding.until) == (None, None)


@pytest.mark.parametrize(
    "status", [EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED, EnterpriseStatus.MOVED_OUT]
)
def test_other_statuses_do_not_restrict(status: EnterpriseStatus) -> None:
    assert verdict_of(profile(status=status), P.GOVERNMENT_PROCUREMENT) == (CLEAR, [])


@pytest.mark.parametrize("purpose", list(Purpose))
def test_a_code_no_source_knows_is_not_found(purpose: Purpose) -> None:
    judgement = judge(None, purpose, ON)
    assert (judgement.verdict, judgement.findings) == (NOT_FOUND, ())


def test_an_unknown_code_with_a_stale_source_is_indeterminate() -> None:
    judgement = judge(None, P.PUBLIC_BIDDING, ON, stale_sources=["registration"])
    assert outcome(judgement) == (INDETERMINATE, ["SOURCE_STALE"])
    finding = judgement.findings[0]
    assert (finding.effect, finding.record, finding.since, finding.until) == (INFORMS, None, None, None)
    assert "registration" in finding.summary
    assert "严重违法失信名单管理办法" in finding.legal_basis


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ((), (INDETERMINATE, ["SOURCE_STALE", "SOURCE_STALE"])),
        ((RECORDS["abnormal list"],),
         (INDETERMINATE, ["ABNORMAL_LIST_ACTIVE", "SOURCE_STALE", "SOURCE_STALE"])),
        ((RECORDS["serious list"],),
         (RESTRICTED, ["SERIOUS_LIST_ACTIVE", "SOURCE_STALE", "SOURCE_STALE"])),
    ],
    ids=["nothing found", "caution found", "restriction found"],
)
def test_stale_sources_never_give_clear_but_a_restriction_stands(
    records: tuple[Record, ...], expected: tuple[Verdict, list[str]]
) -> None:
    stale = ["listings", "enforcement", "listings"]
    judgement = judge(profile(*records), P.PUBLIC_BIDDING, ON, stale_sources=stale)
    assert outcome(judgement) == expected
    stale_findings = [f for f in judgement.findings if f.code == "SOURCE_STALE"]
    assert [f.effect for f in stale_findings] == [INFORMS, INFORMS]
    assert [f.summary.count(name) for f, name in zip(stale_findings, ["listings", "enforcement"], strict=True)] == [1, 1]


@pytest.mark.parametrize("bad", ["", "  ", None, 3])
def test_bad_stale_source_names_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="stale source names"):
        judge(profile(), P.HONOURS, ON, stale_sources=["registration", bad])


def test_one_string_is_not_a_list_of_stale_sources() -> None:
    with pytest.raises(TypeError, match="not one string"):
        judge(profile(), P.HONOURS, ON, stale_sources="registration")


def test_the_day_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="on must be a date"):
        judge(profile(), P.HONOURS, dt.datetime(2026, 6, 1, tzinfo=dt.UTC))


def test_a_purpose_is_a_contract_value() -> None:
    assert verdict_of(profile(RECORDS["serious list"]), "HONOURS") == _R  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NOT_A_PURPOSE"):
        judge(profile(), "NOT_A_PURPOSE", ON)  # type: ignore[arg-type]


def test_findings_carry_their_record_dates_and_legal_basis() -> None:
    p = profile(RECORDS["serious list"], RECORDS["suspension"], RECORDS["abnormal list"])
    judgement = judge(p, P.GOVERNMENT_PROCUREMENT, ON)
    by_code = {f.code: f for f in judgement.findings}
    serious = by_code["SERIOUS_LIST_ACTIVE"]
    assert serious.record is p.listings[-1] and serious.record.record.kind is SERIOUS
    assert serious.record.provenance.source == "enforcement"
    assert (serious.since, serious.until) == (D(2025, 1, 10), D(2028, 1, 10))
    assert "汕龙市监罚〔2025〕3号" in serious.summary and "2025年1月10日" in serious.summary
    assert "期满日为2028年1月9日" in serious.summary
    for text in ("政府采购法》第二十二条", "第44号）第十五条"):
        assert text in serious.legal_basis
    major = by_code["MAJOR_VIOLATION"]
    assert major.record is p.penalties[0] and major.record.record.KIND.value == "PENALTY"
    assert (major.since, major.until) == (D(2026, 3, 1), D(2029, 3, 2))
    assert "汕龙市监罚〔2026〕7号" in major.summary and "责令停产停业" in major.summary
    assert "财库〔2022〕3号" in major.legal_basis and "实施条例》第十九条" in major.legal_basis
    abnormal = by_code["ABNORMAL_LIST_ACTIVE"]
    assert (abnormal.effect, abnormal.since, abnormal.until) == (CAUTIONS, D(2025, 7, 1), None)
    assert "经营异常名录" in abnormal.summary and "未按规定期限公示年度报告" in abnormal.summary


def test_a_penalty_in_publicity_says_until_when() -> None:
    p = profile(RECORDS["general fine"])
    (finding,) = judge(p, P.FISCAL_SUPPORT, ON).findings
    # Order 107, general tier: 1 year from 2026-03-01, so public through 2027-03-01.
    assert (finding.since, finding.until) == (D(2026, 3, 1), D(2027, 3, 2))
    assert "公示至2027年3月1日" in finding.summary and "罚款100000元" in finding.summary
    assert "第45号" in finding.legal_basis and "企业信息公示暂行条例》第十九条" in finding.legal_basis


def test_a_breached_commitment_names_the_commitment_and_its_check() -> None:
    p = profile(RECORDS["breached commitment"])
    (finding,) = judge(p, P.COMMITMENT_APPROVAL, ON).findings
    assert finding.record is p.commitments[0]
    assert (finding.since, finding.until) == (D(2025, 8, 1), None)
    assert "2025年5月1日" in finding.summary and "2025年8月1日经核查未履行" in finding.summary
    assert "国办发〔2020〕42号" in finding.legal_basis


def test_findings_are_ordered_by_effect_then_newest_first() -> None:
    p = profile(
        listing(SERIOUS, D(2024, 5, 1), expires=D(2027, 5, 1)),
        listing(SERIOUS, D(2025, 5, 1), expires=D(2028, 5, 1)),
        listing(ABNORMAL, D(2023, 9, 1)),
        listing(ABNORMAL, D(2025, 9, 1)),
        penalty(M.FINE, decided=D(2026, 2, 1), fine="100000", number="汕龙市监罚〔2026〕2号"),
        penalty(M.SUSPENSION, decided=D(2024, 1, 1), number="汕龙市监罚〔2024〕1号"),
        status=EnterpriseStatus.REVOKED,
    )
    judgement = judge(p, P.GOVERNMENT_PROCUREMENT, ON, stale_sources=["enforcement"])
    assert [(f.effect, f.code, f.since) for f in judgement.findings] == [
        (RESTRICTS, "ENTERPRISE_REVOKED", None),
        (RESTRICTS, "SERIOUS_LIST_ACTIVE", D(2025, 5, 1)),
        (RESTRICTS, "SERIOUS_LIST_ACTIVE", D(2024, 5, 1)),
        (RESTRICTS, "MAJOR_VIOLATION", D(2024, 1, 1)),
        (CAUTIONS, "PENALTY_IN_PUBLICITY", D(2026, 2, 1)),
        (CAUTIONS, "ABNORMAL_LIST_ACTIVE", D(2025, 9, 1)),
        (CAUTIONS, "ABNORMAL_LIST_ACTIVE", D(2023, 9, 1)),
        (INFORMS, "SOURCE_STALE", None),
    ]
    assert judgement.verdict is RESTRICTED


def test_a_major_violation_is_not_also_a_penalty_in_publicity_for_procurement() -> None:
    p = profile(penalty(M.FINE, decided=D(2026, 3, 1), fine="2000000"))
    assert verdict_of(p, P.GOVERNMENT_PROCUREMENT) == (RESTRICTED, ["MAJOR_VIOLATION"])
    assert verdict_of(p, P.HONOURS) == (CAUTION, ["PENALTY_IN_PUBLICITY"])


@pytest.mark.parametrize(
    ("measure", "major"),
    [
        (M.SUSPENSION, True),
        (M.LICENSE_REVOCATION, True),
        (M.BUSINESS_LICENSE_REVOCATION, True),
        (M.RESTRICTION, False),
        (M.DOWNGRADE, False),
        (M.CLOSURE, False),
        (M.CONFISCATION, False),
    ],
)
def test_which_measures_are_major_violations(measure: PenaltyMeasure, major: bool) -> None:
    # Every listed measure is public on ON, so the non-major ones still caution.
    p = profile(penalty(measure, decided=D(2026, 3, 1)))
    expected = (RESTRICTED, ["MAJOR_VIOLATION"]) if major else _PUBLIC_C
    assert verdict_of(p, P.GOVERNMENT_PROCUREMENT) == expected


def test_a_fine_of_unknown_amount_is_not_a_major_violation() -> None:
    p = profile(penalty(M.FINE, decided=D(2026, 3, 1)))
    assert verdict_of(p, P.GOVERNMENT_PROCUREMENT) == _PUBLIC_C


def test_a_serious_list_case_keeps_its_penalty_public_longer() -> None:
    # A general fine of 2024-03-01 stopped being public in 2025 on its own; the serious-list
    # entry of the same decision makes it a serious-tier penalty, public for 3 years.
    fine = penalty(M.FINE, decided=D(2024, 3, 1), fine="100000", number="汕龙市监罚〔2024〕9号")
    linked = listing(SERIOUS, D(2024, 3, 1), expires=D(2027, 3, 1), decision="汕龙市监罚〔2024〕9号")
    other = listing(SERIOUS, D(2024, 3, 1), expires=D(2027, 3, 1), decision="汕龙市监罚〔2024〕8号")
    assert verdict_of(profile(fine, linked), P.HONOURS) == (
        RESTRICTED, ["SERIOUS_LIST_ACTIVE", "PENALTY_IN_PUBLICITY"])
    assert verdict_of(profile(fine, other), P.HONOURS) == _R


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (D(2021, 3, 1), "verify-2021.1+samr-order45-2021.1"),
        (D(2022, 2, 7), "verify-2021.1+samr-order45-2021.1"),
        (D(2022, 2, 8), "verify-2022.1+samr-order45-2021.1"),
        (D(2024, 3, 10), "verify-2024.1+samr-order45-2021.1"),
        (D(2025, 12, 25), "verify-2024.1+samr-order107-2025.1"),
    ],
)
def test_the_judgement_quotes_both_rule_sets_in_force(on: dt.date, version: str) -> None:
    assert judge(profile(), P.PUBLIC_BIDDING, on).rules_version == version
    assert judge(None, P.PUBLIC_BIDDING, on).rules_version == version


def test_judge_is_pure() -> None:
    p = profile(*RECORDS.values(), status=EnterpriseStatus.REVOKED)
    before = dataclasses.astuple(p)
    for purpose in Purpose:
        first = judge(p, purpose, ON, stale_sources=["listings"])
        second = judge(p, purpose, ON, stale_sources=["listings"])
        assert first == second
        assert [id(f.record) for f in first.findings] == [id(f.record) for f in second.findings]
    assert dataclasses.astuple(p) == before


def test_findings_are_frozen() -> None:
    (finding,) = judge(profile(RECORDS["serious list"]), P.HONOURS, ON).findings
    assert isinstance(finding, Finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "CLEAR"  # type: ignore[misc]
