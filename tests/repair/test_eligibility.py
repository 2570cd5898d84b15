"""Eligibility of repair applications: both sides of every boundary, both rule sets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from gateway.archive.profile import Profile, Provenance, Stored, assemble_profile
from gateway.records import (
    EnterpriseStatus,
    Inspection,
    InspectionKind,
    InspectionResult,
    Listing,
    ListKind,
    Penalty,
    PenaltyMeasure,
    PenaltyProcedure,
    Registration,
)
from gateway.repair.eligibility import check_application
from gateway.repair.model import Repair, RepairRefused, RepairStatus, RepairTarget

D = dt.date
M = PenaltyMeasure
USCC = "91440507MA00000001"
_ids = iter(range(1, 10_000))


def stored(record: Any) -> Stored[Any]:
    at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    return Stored(str(next(_ids)), record, Provenance("enforcement", "执法", "x", None, at))


def fine(number: str, on: D, measures: tuple[M, ...] = (M.FINE,), **fields: Any) -> Penalty:
    values: dict[str, Any] = {
        "authority": "汕头市市场监督管理局", "violation": "虚假宣传",
        "procedure": PenaltyProcedure.ORDINARY, "fine_amount": Decimal("80000"),
        "legal_basis": "《反不正当竞争法》第二十条",
    }
    return Penalty(uscc=USCC, decision_number=number, decided_on=on, measures=measures,
                   **(values | fields))


def profile_of(*records: Any, **extra: Any) -> tuple[Profile, list[str]]:
    reg = stored(Registration(USCC, "汕头市测试有限公司", EnterpriseStatus.OPERATING, "440507"))
    items = [stored(r) for r in records]
    profile = assemble_profile((), [reg, *items])
    assert profile is not None
    return dataclasses.replace(profile, **extra), [s.id for s in items]


def check(profile: Profile, target: str, today: D, repairs: list[Repair] | None = None,
          **kw: Any) -> RepairTarget:
    return check_application(profile, target, repairs or [], today, **kw)


def refused(profile: Profile, target: str, today: D, words: str, **kw: Any) -> None:
    with pytest.raises(RepairRefused, match=words):
        check(profile, target, today, **kw)


def repair(target: str, status: RepairStatus, **fields: Any) -> Repair:
    return Repair(uuid.uuid4(), USCC, target, RepairTarget.PENALTY, status, "承诺", ("p",),
                  dt.datetime(2026, 1, 1, tzinfo=dt.UTC), D(2026, 1, 5), **fields)


# A general penalty of 2026-02-10 under Order 107: repair from the day after 2026-05-10.
GENERAL = fine("汕市监罚〔2026〕1号", D(2026, 2, 10))


def test_general_penalty_minimum_period_under_order_107() -> None:
    profile, [pid] = profile_of(GENERAL)
    refused(profile, pid, D(2026, 5, 10), "from 2026-05-11")
    assert check(profile, pid, D(2026, 5, 11)) is RepairTarget.PENALTY


def test_serious_penalty_waits_a_year() -> None:
    food = fine("汕市监罚〔2026〕2号", D(2026, 1, 5), violation="生产不符合食品安全标准的食品")
    profile, [pid] = profile_of(food)
    refused(profile, pid, D(2027, 1, 5), "from 2027-01-06")
    assert check(profile, pid, D(2027, 1, 6)) is RepairTarget.PENALTY


def test_the_switch_to_order_107_on_2025_12_25() -> None:
    # Decided 2025-08-01: the 2021 rules wait 6 months (to 2026-02-02), Order 107 three.
    penalty = fine("汕市监罚〔2025〕9号", D(2025, 8, 1))
    profile, [pid] = profile_of(penalty)
    refused(profile, pid, D(2025, 12, 24), "from 2026-02-02")
    assert check(profile, pid, D(2025, 12, 25)) is RepairTarget.PENALTY


def test_food_penalty_under_the_2021_rules_waits_a_year() -> None:
    food = fine("汕市监罚〔2024〕3号", D(2024, 12, 1), violation="经营超过保质期的食品")
    profile, [pid] = profile_of(food)
    refused(profile, pid, D(2025, 12, 1), "from 2025-12-02")
    assert check(profile, pid, D(2025, 12, 2)) is RepairTarget.PENALTY


@pytest.mark.parametrize(
    ("penalty", "words"),
    [
        (fine("A", D(2026, 1, 5), (M.FINE, M.LICENSE_REVOCATION)), "never be repaired"),
        (fine("B", D(2026, 1, 5), (M.DOWNGRADE,)), "never be repaired"),
        (fine("C", D(2026, 1, 5), (M.CLOSURE,)), "never be repaired"),
        (fine("D", D(2026, 1, 5), fine_amount=Decimal("3000")), "not needed"),
        (fine("E", D(2026, 1, 5), procedure=PenaltyProcedure.SIMPLE), "not published"),
        (fine("F", D(2026, 1, 5), (M.WARNING,)), "not published"),
        (fine("G", D(2026, 1, 5), (M.SUSPENSION,)), "restriction whose end is not recorded"),
    ],
)
def test_penalties_that_cannot_be_repaired(penalty: Penalty, words: str) -> None:
    profile, [pid] = profile_of(penalty)
    refused(profile, pid, D(2027, 6, 1), words)


def test_a_restriction_still_running() -> None:
    suspended = fine("汕市监罚〔2025〕7号", D(2025, 12, 30), (M.SUSPENSION,))
    profile, [pid] = profile_of(suspended)
    refused(profile, pid, D(2027, 3, 1), "still runs until 2027-03-01",
            restriction_ends_on=D(2027, 3, 1))
    assert check(profile, pid, D(2027, 3, 2), restriction_ends_on=D(2027, 3, 1))


def test_publicity_already_ended() -> None:
    profile, [pid] = profile_of(GENERAL)
    assert check(profile, pid, D(2027, 2, 10))
    refused(profile, pid, D(2027, 2, 11), "no longer public")


def test_a_repeat_of_the_same_kind() -> None:
    later_other = fine("汕市监罚〔2026〕5号", D(2026, 4, 1), violation="未明码标价",
                       legal_basis="《价格法》第十三条")
    profile, [pid, _] = profile_of(GENERAL, later_other)
    assert check(profile, pid, D(2026, 6, 1))
    same_basis = fine("汕市监罚〔2026〕6号", D(2026, 4, 1), violation="其他")
    profile, [pid, _] = profile_of(GENERAL, same_basis)
    refused(profile, pid, D(2026, 6, 1), "same kind was penalised again: 汕市监罚〔2026〕6号")
    same_violation = fine("汕市监罚〔2026〕7号", D(2026, 4, 1), legal_basis=None)
    profile, [pid, _] = profile_of(GENERAL, same_violation)
    refused(profile, pid, D(2026, 6, 1), "same kind")


def test_a_later_penalty_after_today_is_no_repeat() -> None:
    later = fine("汕市监罚〔2026〕8号", D(2026, 7, 1))
    profile, [pid, _] = profile_of(GENERAL, later)
    assert check(profile, pid, D(2026, 6, 30))
    refused(profile, pid, D(2026, 7, 1), "same kind")


def test_open_or_approved_application_for_the_same_record() -> None:
    profile, [pid] = profile_of(GENERAL)
    for status, words in [(RepairStatus.APPLIED, "still open"),
                          (RepairStatus.ACCEPTED, "still open"),
                          (RepairStatus.APPROVED, "already repaired")]:
        refused(profile, pid, D(2026, 6, 1), words, repairs=[repair(pid, status)])
    assert check(profile, pid, D(2026, 6, 1), [repair(pid, RepairStatus.REJECTED)])
    assert check(profile, pid, D(2026, 6, 1), [repair("999", RepairStatus.APPLIED)])


def test_no_new_application_for_three_years_after_fraud() -> None:
    old = fine("汕市监罚〔2026〕1号", D(2026, 2, 10))
    profile, [pid] = profile_of(old)
    revoked = repair("999", RepairStatus.REVOKED, revoked_on=D(2026, 3, 1))
    refused(profile, pid, D(2029, 3, 1), "no new application before 2029-03-02",
            repairs=[revoked])
    # On 2029-03-02 the block is over (the penalty itself is no longer public by then).
    refused(profile, pid, D(2029, 3, 2), "no longer public", repairs=[revoked])


def test_not_a_record_of_the_enterprise() -> None:
    profile, _ = profile_of(GENERAL)
    refused(profile, "424242", D(2026, 6, 1), "not a penalty, inspection result or list entry")


def _inspection(result: InspectionResult, on: D) -> Inspection:
    return Inspection(USCC, "JC-1", InspectionKind.RANDOM, on, "汕头市市场监督管理局", result)


def test_inspections() -> None:
    bad = _inspection(InspectionResult.RULE_VIOLATION, D(2025, 1, 10))
    good = _inspection(InspectionResult.NO_PROBLEM, D(2025, 1, 10))
    profile, [bad_id, good_id] = profile_of(bad, good)
    # The 2021 rules: public 3 years, repair after 6 months.
    refused(profile, bad_id, D(2025, 7, 10), "from 2025-07-11")
    assert check(profile, bad_id, D(2025, 7, 11)) is RepairTarget.INSPECTION
    refused(profile, good_id, D(2025, 7, 11), "found no problem")
    # Order 107: a negative result stops being public after 3 months; no repair needed.
    recent = _inspection(InspectionResult.RULE_VIOLATION, D(2026, 1, 10))
    profile, [recent_id] = profile_of(recent)
    refused(profile, recent_id, D(2026, 2, 1), "not needed")
    refused(profile, recent_id, D(2026, 4, 11), "not public")


def test_an_inspection_linked_to_a_general_penalty_is_repaired_with_it() -> None:
    penalty = fine("汕市监罚〔2026〕9号", D(2026, 2, 10))
    linked = dataclasses.replace(_inspection(InspectionResult.RULE_VIOLATION, D(2026, 1, 20)),
                                 penalty_number="汕市监罚〔2026〕9号")
    profile, [pid, iid] = profile_of(penalty, linked)
    refused(profile, iid, D(2026, 6, 1), "repaired together with that penalty")
    assert check(profile, pid, D(2026, 6, 1)) is RepairTarget.PENALTY
    # A penalty in the minor tier does not hold the result: its own rules apply.
    small = fine("汕市监罚〔2026〕10号", D(2026, 2, 10), fine_amount=Decimal("2000"),
                 violation="未按规定标价", legal_basis=None)
    minor = dataclasses.replace(linked, penalty_number="汕市监罚〔2026〕10号")
    profile, [_, mid] = profile_of(small, minor)
    refused(profile, mid, D(2026, 2, 1), "not needed")
    # A number no penalty of the profile has changes nothing.
    unknown = dataclasses.replace(linked, penalty_number="汕市监罚〔2026〕99号")
    profile, [uid] = profile_of(unknown)
    refused(profile, uid, D(2026, 2, 1), "not needed")


def _entry(kind: ListKind, on: D, **fields: Any) -> Listing:
    return Listing(USCC, kind, "汕头市测试有限公司", "理由", on, "汕头市市场监督管理局", **fields)


def test_abnormal_entry_needs_only_to_be_in_force() -> None:
    active = _entry(ListKind.ABNORMAL_OPERATIONS, D(2026, 3, 1))
    removed = _entry(ListKind.ABNORMAL_OPERATIONS, D(2026, 3, 1), removed_on=D(2026, 4, 1))
    profile, [active_id, removed_id] = profile_of(active, removed)
    refused(profile, active_id, D(2026, 2, 28), "not in force")
    assert check(profile, active_id, D(2026, 3, 1)) is RepairTarget.ABNORMAL_LISTING
    refused(profile, removed_id, D(2026, 5, 1), "not in force")


def test_serious_entry_after_one_year_without_restriction_or_new_listing() -> None:
    entry = _entry(ListKind.SERIOUS_DISHONESTY, D(2026, 1, 5), expires_on=D(2029, 1, 6))
    profile, [eid] = profile_of(entry)
    refused(profile, eid, D(2027, 1, 5), "from 2027-01-06")
    assert check(profile, eid, D(2027, 1, 6)) is RepairTarget.SERIOUS_LISTING
    refused(profile, eid, D(2027, 6, 1), "restriction still runs until 2027-06-01",
            restriction_ends_on=D(2027, 6, 1))
    again = _entry(ListKind.SERIOUS_DISHONESTY, D(2026, 8, 1), expires_on=D(2029, 8, 2))
    profile, [eid, _] = profile_of(entry, again)
    refused(profile, eid, D(2027, 1, 6), "serious list again")


def test_a_repaired_entry_is_no_longer_in_force() -> None:
    entry = _entry(ListKind.ABNORMAL_OPERATIONS, D(2026, 3, 1))
    profile, [eid] = profile_of(entry)
    profile = dataclasses.replace(profile, repairs={eid: D(2026, 4, 1)})
    refused(profile, eid, D(2026, 4, 2), "not in force")
