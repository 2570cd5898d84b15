"""Rule sets for penalty severity, publicity and credit repair, with the dates they are in force.

A record is judged by the rule set in force on the date asked about (not the date of the
record): a penalty decided in 2024 and looked at in 2026 follows SAMR Order 107.

Built-in sets:

- `ORDER_45_2021`: 《市场监督管理行政处罚信息公示规定》 SAMR Order 45 (in force 2021-09-01) for
  publicity, with the 2021 《市场监督管理信用修复管理办法》 (国市监信规〔2021〕3号) for repair.
  It also stands in for earlier dates: no older rules are modelled.
- `ORDER_107_2025`: 《市场监督管理信用修复管理办法》 SAMR Order 107, in force 2025-12-25.

Values tagged [secondary] or [unverified] below are not read in the regulation's own text; they
are fields with defaults so that a deployment can correct them (see `gateway.rules.config`).
Whoever changes a value must give the set a new `version`: verifications quote it.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from gateway.records import InspectionResult, KeyArea, PenaltyMeasure

M = PenaltyMeasure

# Order 107 table, "minor" column: warning, circulated criticism, small fine.
MINOR_MEASURES = frozenset({M.WARNING, M.CIRCULATED_CRITICISM, M.FINE})
# Order 107 table, "serious" column: restriction or suspension; revocation, downgrade, closure.
HEAVY_MEASURES = frozenset({
    M.RESTRICTION, M.SUSPENSION, M.LICENSE_REVOCATION, M.BUSINESS_LICENSE_REVOCATION,
    M.DOWNGRADE, M.CLOSURE, M.OCCUPATIONAL_BAN,
})
# Measures that run for a term: repair waits for the term's end (Order 107 table).
RESTRICTING_MEASURES = frozenset({M.RESTRICTION, M.SUSPENSION, M.OCCUPATIONAL_BAN})
# "Revocation, downgrade and closure can never be repaired" (Order 107 table).
UNREPAIRABLE_MEASURES = frozenset({
    M.LICENSE_REVOCATION, M.BUSINESS_LICENSE_REVOCATION, M.DOWNGRADE, M.CLOSURE,
})

# Inspection results that record a problem of the enterprise. Everything else is either clean
# (no problem, sample qualified, no activity in scope) or a plain status fact (closed,
# deregistered, revoked, moved out), which says nothing against the enterprise's conduct.
NEGATIVE_INSPECTION_RESULTS = frozenset({
    InspectionResult.CORRECTED_ON_ORDER,
    InspectionResult.PROBLEM_PENDING,
    InspectionResult.RULE_VIOLATION,
    InspectionResult.UNREACHABLE,
    InspectionResult.INFO_NOT_DISCLOSED,
    InspectionResult.INFO_FALSE,
    InspectionResult.REFUSED_INSPECTION,
    InspectionResult.SAMPLE_UNQUALIFIED,
})

# Every key area the canonical records know is food or special-equipment production, which
# both rule sets treat as a heavier field.
ALL_KEY_AREAS = frozenset(KeyArea)

FOOD_WORDS = ("食品", "餐饮", "婴幼儿配方", "特殊医学用途配方")
DRUG_WORDS = ("药品", "疫苗")
DEVICE_WORDS = ("医疗器械",)
COSMETIC_WORDS = ("化妆品",)
SPECIAL_EQUIPMENT_WORDS = (
    "特种设备", "锅炉", "压力容器", "压力管道", "气瓶", "电梯", "起重机械", "客运索道",
    "大型游乐设施", "场（厂）内专用机动车辆", "场(厂)内专用机动车辆",
)
KEY_INDUSTRIAL_PRODUCT_WORDS = ("重点工业产品", "重要工业产品", "工业产品生产许可")


@dataclasses.dataclass(frozen=True, slots=True)
class RuleSet:
    """One version of the severity, publicity and repair rules, in force from a date."""

    version: str
    effective_from: dt.date
    legal_basis: str
    # Fields where a non-minor penalty is serious: the penalty's key area, or one of these words
    # in its violation or legal basis (the archive records no field for drugs, devices or
    # cosmetics, so words are the only signal; the laws' titles contain them too).
    serious_key_areas: frozenset[KeyArea]
    serious_area_words: tuple[str, ...]
    minor_public_months: int
    general_public_months: int
    serious_public_months: int
    general_repair_months: int
    serious_repair_months: int
    # When set, penalties in the serious fields wait this long for repair whatever their tier.
    area_repair_months: int | None
    negative_inspection_public_months: int
    other_inspection_public_months: int
    repair_waits_for_restriction: bool
    minor_fine_limit_entity: Decimal = Decimal("50000")
    minor_fine_limit_individual: Decimal = Decimal("5000")
    # USCC authority + entity type of individual businesses (GB 32100: 9 + 2).
    individual_code_prefixes: tuple[str, ...] = ("92",)
    minor_measures: frozenset[PenaltyMeasure] = MINOR_MEASURES
    unpublished_measures: frozenset[PenaltyMeasure] = frozenset({M.WARNING})
    heavy_measures: frozenset[PenaltyMeasure] = HEAVY_MEASURES
    restricting_measures: frozenset[PenaltyMeasure] = RESTRICTING_MEASURES
    unrepairable_measures: frozenset[PenaltyMeasure] = UNREPAIRABLE_MEASURES
    negative_inspection_results: frozenset[InspectionResult] = NEGATIVE_INSPECTION_RESULTS
    # A restriction running longer than the publicity period keeps the penalty public until
    # it ends: Order 45 Art.13 [secondary]; assumed to hold under Order 107 [unverified].
    publicity_covers_restriction: bool = True
    publication_working_days: int = 20
    area_pattern: re.Pattern[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError(f"rule set {self.version!r}: " + "; ".join(problems))
        # One compiled alternation is much cheaper per penalty than a loop over the words.
        words = "|".join(re.escape(w) for w in self.serious_area_words) or r"(?!)"
        object.__setattr__(self, "area_pattern", re.compile(words))


_COUNT_FIELDS = (
    "minor_public_months", "general_public_months", "serious_public_months",
    "general_repair_months", "serious_repair_months", "negative_inspection_public_months",
    "other_inspection_public_months", "publication_working_days",
)


def _problems(rules: RuleSet) -> list[str]:
    problems: list[str] = []
    if not rules.version.strip():
        problems.append("version must not be empty")
    if not rules.legal_basis.strip():
        problems.append("legal_basis must not be empty")
    for name in _COUNT_FIELDS:
        value = getattr(rules, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"{name} must be a whole number of at least 1, got {value!r}")
    area = rules.area_repair_months
    if area is not None and (isinstance(area, bool) or not isinstance(area, int) or area < 1):
        problems.append(f"area_repair_months must be empty or at least 1, got {area!r}")
    for name in ("minor_fine_limit_entity", "minor_fine_limit_individual"):
        value = getattr(rules, name)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            problems.append(f"{name} must be a non-negative Decimal amount, got {value!r}")
    if any(not word.strip() for word in rules.serious_area_words):
        problems.append("serious_area_words must not contain empty words")
    if rules.minor_measures & rules.heavy_measures:
        problems.append("a measure cannot be both minor and heavy")
    return problems


class RuleBook:
    """Rule sets ordered by the date they come into force; picks the one for a date."""

    __slots__ = ("_sets", "_starts")

    def __init__(self, sets: Sequence[RuleSet]) -> None:
        if not sets:
            raise ValueError("a rule book needs at least one rule set")
        ordered = tuple(sorted(sets, key=lambda s: s.effective_from))
        starts = [s.effective_from for s in ordered]
        if len(set(starts)) != len(starts):
            raise ValueError("two rule sets come into force on the same date")
        versions = [s.version for s in ordered]
        if len(set(versions)) != len(versions):
            raise ValueError("rule set versions must be unique")
        self._sets = ordered
        self._starts = starts

    @property
    def sets(self) -> tuple[RuleSet, ...]:
        return self._sets

    def in_force(self, on: dt.date) -> RuleSet:
        """The set in force on `on`; the earliest set also covers dates before it."""
        index = bisect.bisect_right(self._starts, on) - 1
        return self._sets[max(index, 0)]

    def version_on(self, on: dt.date) -> str:
        return self.in_force(on).version


ORDER_45_2021 = RuleSet(
    version="samr-order45-2021.1",
    effective_from=dt.date(2021, 9, 1),
    legal_basis=(
        "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）；"
        "《市场监督管理信用修复管理办法》（国市监信规〔2021〕3号）"
    ),
    # The 2021 repair rules single out food, drugs and special equipment [secondary].
    serious_key_areas=ALL_KEY_AREAS,
    serious_area_words=FOOD_WORDS + DRUG_WORDS + SPECIAL_EQUIPMENT_WORDS,
    # Order 45 Art.13 [secondary]: only circulated criticism or a lower fine: 3 months; every
    # other penalty: 3 years; a restriction longer than that: its actual term.
    minor_public_months=3,
    general_public_months=36,
    serious_public_months=36,
    # 2021 repair rules [secondary]: after 6 months of publicity, 1 year for food, drugs and
    # special equipment; the tier alone does not lengthen it.
    general_repair_months=6,
    serious_repair_months=6,
    area_repair_months=12,
    # No end is known for inspection results under the 2021 rules; 3 years like penalties
    # [unverified].
    negative_inspection_public_months=36,
    other_inspection_public_months=36,
    # [unverified] for 2021: carried over from Order 107 (repair waits for restrictions to end,
    # revocation, downgrade and closure cannot be repaired).
    repair_waits_for_restriction=True,
    # "较低数额罚款" was set by each province (Order 45 Art.13); Order 107's amounts stand in
    # [unverified].
    minor_fine_limit_entity=Decimal("50000"),
    minor_fine_limit_individual=Decimal("5000"),
)

ORDER_107_2025 = RuleSet(
    version="samr-order107-2025.1",
    effective_from=dt.date(2025, 12, 25),
    legal_basis="《市场监督管理信用修复管理办法》（国家市场监督管理总局令第107号）",
    serious_key_areas=ALL_KEY_AREAS,
    serious_area_words=(
        FOOD_WORDS + DRUG_WORDS + DEVICE_WORDS + COSMETIC_WORDS + SPECIAL_EQUIPMENT_WORDS
        + KEY_INDUSTRIAL_PRODUCT_WORDS
    ),
    minor_public_months=3,
    general_public_months=12,
    serious_public_months=36,
    general_repair_months=3,
    serious_repair_months=12,
    area_repair_months=None,
    negative_inspection_public_months=3,
    # Clean results and status facts do the enterprise no harm; they stay public as long as
    # the longest penalty tier [unverified: the regulation sets no period for them].
    other_inspection_public_months=36,
    repair_waits_for_restriction=True,
)

DEFAULT_RULES = RuleBook((ORDER_45_2021, ORDER_107_2025))
