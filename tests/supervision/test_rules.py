"""The rules of the key-supervision list on both sides of every threshold (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from gateway.records import EnterpriseStatus
from gateway.supervision.config import default_config
from gateway.supervision.facts import EnterpriseFacts, PenaltyFact, RiskFact, SeriousFact
from gateway.supervision.grounds import Rule
from gateway.supervision.refresh import derive
from gateway.supervision.rules import counts_on, derive_grounds, violation_kind

TODAY = dt.date(2026, 3, 31)
CONFIG = default_config()
UNIT = "91440507000000001X"


def facts(**fields: object) -> EnterpriseFacts:
    values: dict[str, object] = {"uscc": UNIT, "status": EnterpriseStatus.OPERATING}
    return EnterpriseFacts(**(values | fields))  # type: ignore[arg-type]


def rules_of(item: EnterpriseFacts, today: dt.date = TODAY) -> list[Rule]:
    return [g.rule for g in derive_grounds(item, today, CONFIG)]


@pytest.mark.parametrize(
    ("key_areas", "risk_class", "expected"),
    [
        (("FOOD_PRODUCTION",), "D", [Rule.KEY_AREA_HIGH_RISK]),
        (("FOOD_PRODUCTION",), "C", [Rule.KEY_AREA_HIGH_RISK]),
        (("FOOD_PRODUCTION",), "B", []),
        (("FOOD_PRODUCTION",), "A", []),
        ((), "D", []),
        (("SPECIAL_EQUIPMENT_PRODUCTION", "SPECIAL_FOOD"), "C", [Rule.KEY_AREA_HIGH_RISK]),
    ],
)
def test_key_area_high_risk_needs_a_key_area_and_class_c_or_d(
    key_areas: tuple[str, ...], risk_class: str, expected: list[Rule]
) -> None:
    item = facts(key_areas=key_areas, risk=RiskFact(risk_class, "food@2026.1"))
    assert rules_of(item) == expected


def test_no_risk_assessment_is_no_high_risk() -> None:
    assert rules_of(facts(key_areas=("FOOD_PRODUCTION",))) == []


def test_the_detail_names_areas_class_and_model() -> None:
    item = facts(key_areas=("SPECIAL_FOOD", "FOOD_PRODUCTION"), risk=RiskFact("D", "food@2"))
    (ground,) = derive_grounds(item, TODAY, CONFIG)
    assert ground.detail == (
        "key areas FOOD_PRODUCTION, SPECIAL_FOOD; credit-risk class D (model food@2)"
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (EnterpriseStatus.OPERATING, [Rule.KEY_AREA_HIGH_RISK]),
        (EnterpriseStatus.SUSPENDED, [Rule.KEY_AREA_HIGH_RISK]),
        (EnterpriseStatus.DEREGISTERED, []),
        (EnterpriseStatus.REVOKED, []),
        (EnterpriseStatus.MOVED_OUT, []),
    ],
)
def test_only_enterprises_still_registered_here_are_listed(
    status: EnterpriseStatus, expected: list[Rule]
) -> None:
    item = facts(status=status, key_areas=("FOOD_PRODUCTION",), risk=RiskFact("D", "m"))
    assert rules_of(item) == expected


def serious(**fields: object) -> SeriousFact:
    values: dict[str, object] = {
        "listing_id": "7", "listed_on": dt.date(2025, 1, 10), "expires_on": None,
        "removed_on": None, "repaired_on": None, "decision_number": "汕市监罚〔2025〕1号",
    }
    return SeriousFact(**(values | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "in_force"),
    [
        (serious(), True),
        (serious(expires_on=TODAY + dt.timedelta(days=1)), True),
        (serious(expires_on=TODAY), False),
        (serious(removed_on=TODAY), False),
        (serious(removed_on=TODAY + dt.timedelta(days=1)), True),
        (serious(repaired_on=TODAY), False),
        (serious(repaired_on=TODAY + dt.timedelta(days=1)), True),
        (serious(listed_on=TODAY), True),
        (serious(listed_on=TODAY + dt.timedelta(days=1)), False),
    ],
)
def test_serious_list_needs_an_entry_in_force_on_the_day(
    entry: SeriousFact, in_force: bool
) -> None:
    assert rules_of(facts(serious=(entry,))) == ([Rule.SERIOUS_LIST] if in_force else [])


def test_the_serious_detail_names_the_entry_and_its_end() -> None:
    item = facts(serious=(serious(expires_on=dt.date(2028, 1, 11)),))
    (ground,) = derive_grounds(item, TODAY, CONFIG)
    assert ground.detail == (
        "serious-dishonesty list entry 7 listed on 2025-01-10 (decision 汕市监罚〔2025〕1号), "
        "leaves the list on 2028-01-11"
    )


def penalty(n: int, day: dt.date, violation: str = "超范围使用食品添加剂") -> PenaltyFact:
    return PenaltyFact(str(n), f"汕市监罚〔{day.year}〕{n}号", day, violation)


def test_three_penalties_for_the_same_violation_in_24_months_hold() -> None:
    days = [dt.date(2024, 4, 1), dt.date(2025, 6, 1), dt.date(2026, 3, 31)]
    item = facts(penalties=tuple(penalty(i, d) for i, d in enumerate(days, 1)))
    (ground,) = derive_grounds(item, TODAY, CONFIG)
    assert ground.rule is Rule.REPEATED_VIOLATIONS
    assert ground.detail == (
        "3 penalties for 超范围使用食品添加剂 between 2024-04-01 and 2026-03-31 (within 24 "
        "months): 汕市监罚〔2024〕1号, 汕市监罚〔2025〕2号, 汕市监罚〔2026〕3号"
    )


def test_two_penalties_are_below_the_count() -> None:
    days = [dt.date(2025, 6, 1), dt.date(2026, 3, 1)]
    assert rules_of(facts(penalties=tuple(penalty(i, d) for i, d in enumerate(days)))) == []


@pytest.mark.parametrize(
    ("oldest", "holds"),
    [
        # TODAY 2026-03-31: a penalty of 2024-03-31 still counts (the period's last day)...
        (dt.date(2024, 3, 31), True),
        # ...one of the day before does not.
        (dt.date(2024, 3, 30), False),
    ],
)
def test_the_window_boundary(oldest: dt.date, holds: bool) -> None:
    days = [oldest, dt.date(2025, 1, 1), dt.date(2026, 1, 1)]
    item = facts(penalties=tuple(penalty(i, d) for i, d in enumerate(days)))
    assert rules_of(item) == ([Rule.REPEATED_VIOLATIONS] if holds else [])


def test_a_penalty_after_the_day_does_not_count() -> None:
    days = [dt.date(2025, 1, 1), dt.date(2026, 1, 1), TODAY + dt.timedelta(days=1)]
    assert rules_of(facts(penalties=tuple(penalty(i, d) for i, d in enumerate(days)))) == []


@pytest.mark.parametrize(
    ("decided_on", "today", "counts"),
    [
        # Month ends: 2024-02-29 + 24 months is 2026-02-28.
        (dt.date(2024, 2, 29), dt.date(2026, 2, 28), True),
        (dt.date(2024, 2, 29), dt.date(2026, 3, 1), False),
        (dt.date(2024, 1, 31), dt.date(2026, 1, 31), True),
        (dt.date(2024, 1, 31), dt.date(2026, 2, 1), False),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), True),
        (dt.date(2026, 1, 2), dt.date(2026, 1, 1), False),
    ],
)
def test_counts_on(decided_on: dt.date, today: dt.date, counts: bool) -> None:
    assert counts_on(decided_on, today, 24) is counts


def test_different_violations_are_counted_apart() -> None:
    days = [dt.date(2025, 1, 1), dt.date(2025, 6, 1), dt.date(2026, 1, 1)]
    item = facts(penalties=(
        penalty(1, days[0], "超范围使用食品添加剂"),
        penalty(2, days[1], "超范围使用食品添加剂"),
        penalty(3, days[2], "未按规定查验原料进货"),
    ))
    assert rules_of(item) == []


def test_white_space_does_not_make_another_violation() -> None:
    assert violation_kind(" 超范围 使用\u3000食品添加剂\n") == "超范围使用食品添加剂"
    days = [dt.date(2025, 1, 1), dt.date(2025, 6, 1), dt.date(2026, 1, 1)]
    item = facts(penalties=(
        penalty(1, days[0], "超范围使用食品添加剂"),
        penalty(2, days[1], "超范围 使用食品添加剂"),
        penalty(3, days[2], " 超范围使用食品添加剂\u3000"),
    ))
    assert rules_of(item) == [Rule.REPEATED_VIOLATIONS]


def test_each_violation_reaching_the_count_is_a_ground() -> None:
    days = [dt.date(2025, 1, 1), dt.date(2025, 6, 1), dt.date(2026, 1, 1)]
    item = facts(penalties=tuple(
        penalty(10 * k + i, d, text)
        for k, text in enumerate(("甲违法行为", "乙违法行为")) for i, d in enumerate(days)
    ))
    assert rules_of(item) == [Rule.REPEATED_VIOLATIONS, Rule.REPEATED_VIOLATIONS]


def test_configured_count_and_window() -> None:
    config = dataclasses.replace(CONFIG, repeated_min_penalties=2, repeated_window_months=6)
    # 2025-09-30 + 6 months is 2026-03-30, the day before TODAY.
    inside = (penalty(1, dt.date(2025, 10, 1)), penalty(2, dt.date(2026, 3, 1)))
    outside = (penalty(1, dt.date(2025, 9, 30)), penalty(2, dt.date(2026, 3, 1)))
    assert [g.rule for g in derive_grounds(facts(penalties=inside), TODAY, config)] == [
        Rule.REPEATED_VIOLATIONS]
    assert derive_grounds(facts(penalties=outside), TODAY, config) == ()


def test_derived_entries_take_the_measures_of_all_their_grounds_once() -> None:
    item = facts(key_areas=("FOOD_PRODUCTION",), risk=RiskFact("D", "m"),
                 serious=(serious(),))
    (entry,) = derive([item, facts(uscc="91440507000000002X")], TODAY, CONFIG)
    assert [g.rule for g in entry.grounds] == [Rule.KEY_AREA_HIGH_RISK, Rule.SERIOUS_LIST]
    assert entry.measures == ("RAISED_SAMPLING", "FOCUSED_INSPECTION", "JOINT_DISCIPLINE")
