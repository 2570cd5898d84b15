"""Verification rule sets: what each purpose restricts or cautions on, in force from a date.

The purpose table of the domain reference (§9) as data. Each set says, per purpose, which kinds
of finding count and with what effect and legal basis, plus the values the findings depend on
(the procurement fine threshold, the look-back, the repealed abnormal-list escalation).

Built-in sets (a verification is judged by the set in force on the day asked about):

- `VERIFY_2021`, from 2021-09-01 (SAMR Order 44 in force); also stands in for earlier dates.
  Before 财库〔2022〕3号 the "large fine" of 政府采购法实施条例 Art.19 was set locally: the
  threshold here, ¥1,000,000, is a stand-in [unverified], to be corrected by configuration.
- `VERIFY_2022`, from 2022-02-08: a fine of ¥2,000,000 or more is a major violation
  (财库〔2022〕3号) [secondary].
- `VERIFY_2024`, from 2024-03-10: the rule "3 years on the abnormal list → serious list" is
  repealed (《企业信息公示暂行条例》 as revised 2024-03-10) [law].

Whoever changes a value must give the set a new `version`: verifications quote it.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import enum
import re
import types
from collections.abc import Mapping, Sequence
from decimal import Decimal

from gateway.records import PenaltyMeasure


class Purpose(enum.StrEnum):
    """Contract enum `VerificationPurpose`: the decision a verification is for."""

    GOVERNMENT_PROCUREMENT = "GOVERNMENT_PROCUREMENT"
    PUBLIC_BIDDING = "PUBLIC_BIDDING"
    CHANGE_REGISTRATION = "CHANGE_REGISTRATION"
    COMMITMENT_APPROVAL = "COMMITMENT_APPROVAL"
    FISCAL_SUPPORT = "FISCAL_SUPPORT"
    HONOURS = "HONOURS"


class FindingEffect(enum.StrEnum):
    """Contract enum `FindingEffect`."""

    RESTRICTS = "RESTRICTS"
    CAUTIONS = "CAUTIONS"
    INFORMS = "INFORMS"


class FindingCode(enum.StrEnum):
    """Stable machine codes of findings (contract `Finding.code`)."""

    ENTERPRISE_DEREGISTERED = "ENTERPRISE_DEREGISTERED"
    ENTERPRISE_REVOKED = "ENTERPRISE_REVOKED"
    SERIOUS_LIST_ACTIVE = "SERIOUS_LIST_ACTIVE"
    ABNORMAL_LIST_ESCALATED = "ABNORMAL_LIST_ESCALATED"
    ABNORMAL_LIST_ACTIVE = "ABNORMAL_LIST_ACTIVE"
    MAJOR_VIOLATION = "MAJOR_VIOLATION"
    PENALTY_IN_PUBLICITY = "PENALTY_IN_PUBLICITY"
    COMMITMENT_BREACHED = "COMMITMENT_BREACHED"
    SOURCE_STALE = "SOURCE_STALE"


# The enterprise's status bars every use (domain §9, "all purposes"): a set must say so.
STATUS_CODES = frozenset({FindingCode.ENTERPRISE_DEREGISTERED, FindingCode.ENTERPRISE_REVOKED})

# 政府采购法实施条例 Art.19: suspension (责令停产停业), licence or business-licence revocation
# (吊销许可证或者执照), besides a large fine.
MAJOR_MEASURES = frozenset({
    PenaltyMeasure.SUSPENSION,
    PenaltyMeasure.LICENSE_REVOCATION,
    PenaltyMeasure.BUSINESS_LICENSE_REVOCATION,
})

# Versions are quoted joined by "+" with the publicity rule set's version.
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclasses.dataclass(frozen=True, slots=True)
class Consequence:
    """What a finding of one code does for one purpose, and the rule that says so."""

    effect: FindingEffect
    legal_basis: str

    def __post_init__(self) -> None:
        if not isinstance(self.effect, FindingEffect):
            raise ValueError(f"effect must be a FindingEffect, got {self.effect!r}")
        if not isinstance(self.legal_basis, str) or not self.legal_basis.strip():
            raise ValueError("legal_basis must not be empty")


@dataclasses.dataclass(frozen=True, slots=True)
class PurposeRules:
    """The findings that count for one purpose. `legal_basis` is the purpose's rule as a
    whole, quoted by findings about the data rather than a record (a stale source)."""

    legal_basis: str
    consequences: Mapping[FindingCode, Consequence] = dataclasses.field(hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.legal_basis, str) or not self.legal_basis.strip():
            raise ValueError("legal_basis must not be empty")
        table = dict(self.consequences)
        for code, consequence in table.items():
            if not isinstance(code, FindingCode) or code is FindingCode.SOURCE_STALE:
                raise ValueError(f"{code!r} is not a finding code a record can produce")
            if not isinstance(consequence, Consequence):
                raise ValueError(f"{code}: expected a Consequence, got {consequence!r}")
        object.__setattr__(self, "consequences", types.MappingProxyType(table))

    def effect_of(self, code: FindingCode) -> FindingEffect | None:
        consequence = self.consequences.get(code)
        return None if consequence is None else consequence.effect


@dataclasses.dataclass(frozen=True, slots=True)
class VerificationRuleSet:
    """One version of the verification rules, in force from `effective_from`."""

    version: str
    effective_from: dt.date
    purposes: Mapping[Purpose, PurposeRules] = dataclasses.field(hash=False)
    # A fine of at least this many yuan is a major violation for procurement.
    procurement_fine_threshold: Decimal
    # Major violations count for procurement this many years (政府采购法 Art.22 "前三年内").
    lookback_years: int
    # Whether an abnormal-list entry in force for `escalation_years` counts as a serious-list
    # entry (《企业信息公示暂行条例》 2014 Art.17, repealed 2024-03-10).
    abnormal_escalation: bool
    escalation_years: int = 3
    major_measures: frozenset[PenaltyMeasure] = MAJOR_MEASURES

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError(f"verification rule set {self.version!r}: " + "; ".join(problems))
        object.__setattr__(self, "purposes", types.MappingProxyType(dict(self.purposes)))


def _problems(rules: VerificationRuleSet) -> list[str]:
    problems: list[str] = []
    if not isinstance(rules.version, str) or not _VERSION.fullmatch(rules.version):
        problems.append(
            f"version must be letters, digits, '.', '_' or '-', got {rules.version!r}"
        )
    day = rules.effective_from
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        problems.append(f"effective_from must be a date, got {day!r}")
    threshold = rules.procurement_fine_threshold
    if not isinstance(threshold, Decimal) or not threshold.is_finite() or threshold <= 0:
        problems.append(
            f"procurement_fine_threshold must be a positive Decimal amount, got {threshold!r}"
        )
    for name in ("lookback_years", "escalation_years"):
        value = getattr(rules, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"{name} must be a whole number of at least 1, got {value!r}")
    if not isinstance(rules.abnormal_escalation, bool):
        escalation = rules.abnormal_escalation
        problems.append(f"abnormal_escalation must be true or false, got {escalation!r}")
    if not all(isinstance(m, PenaltyMeasure) for m in rules.major_measures):
        problems.append("major_measures must be penalty measures")
    problems.extend(_purpose_problems(rules))
    return problems


def _purpose_problems(rules: VerificationRuleSet) -> list[str]:
    problems: list[str] = []
    missing = [p.value for p in Purpose if p not in rules.purposes]
    if missing:
        problems.append(f"purposes missing: {', '.join(missing)}")
    for purpose, table in rules.purposes.items():
        if not isinstance(table, PurposeRules):
            problems.append(f"{purpose}: expected PurposeRules, got {table!r}")
            continue
        for code in sorted(STATUS_CODES):
            if table.effect_of(code) is not FindingEffect.RESTRICTS:
                problems.append(f"{purpose}: {code} must restrict")
        serious = table.effect_of(FindingCode.SERIOUS_LIST_ACTIVE)
        escalated = table.effect_of(FindingCode.ABNORMAL_LIST_ESCALATED)
        # An escalated entry is a serious-list entry: it must weigh as much wherever that does.
        if rules.abnormal_escalation and serious is not None and escalated is not serious:
            problems.append(f"{purpose}: {FindingCode.ABNORMAL_LIST_ESCALATED} must {serious}")
    return problems


class VerificationRuleBook:
    """Verification rule sets ordered by the date they come into force."""

    __slots__ = ("_sets", "_starts")

    def __init__(self, sets: Sequence[VerificationRuleSet]) -> None:
        if not sets:
            raise ValueError("a verification rule book needs at least one rule set")
        ordered = tuple(sorted(sets, key=lambda s: s.effective_from))
        starts = [s.effective_from for s in ordered]
        if len(set(starts)) != len(starts):
            raise ValueError("two verification rule sets come into force on the same date")
        if len({s.version for s in ordered}) != len(ordered):
            raise ValueError("verification rule set versions must be unique")
        self._sets = ordered
        self._starts = starts

    @property
    def sets(self) -> tuple[VerificationRuleSet, ...]:
        return self._sets

    def in_force(self, on: dt.date) -> VerificationRuleSet:
        """The set in force on `on`; the earliest set also covers dates before it."""
        index = bisect.bisect_right(self._starts, on) - 1
        return self._sets[max(index, 0)]

    def version_on(self, on: dt.date) -> str:
        return self.in_force(on).version

    def escalation_ends_after(self, on: dt.date) -> dt.date | None:
        """The first day after `on` from which abnormal-list entries no longer escalate."""
        for rule_set in self._sets:
            if rule_set.effective_from > on and not rule_set.abnormal_escalation:
                return rule_set.effective_from
        return None


# Legal bases. Tags as in the domain reference: [law], [secondary], [unverified].
GPA_22 = "《中华人民共和国政府采购法》第二十二条"  # [law] 前三年内无重大违法记录
GPA_REGULATION_19 = "《中华人民共和国政府采购法实施条例》第十九条"  # [law] 重大违法记录
ORDER_44_15 = (
    "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第十五条"
)
# Domain §9 "Order 44 Art.15(3)": no commitment-based approval [secondary].
ORDER_44_15_3 = ORDER_44_15 + "第三项"
# Credit restrictions in procurement, tenders, land and honours: Art.18 of the 2014 text
# [secondary]; the domain's "Regulation Art.19" read as the same rule after the 2024 revision
# [unverified: article number].
INFO_REGULATION_2014_18 = "《企业信息公示暂行条例》（2014年）第十八条"
INFO_REGULATION_19 = "《企业信息公示暂行条例》第十九条"
# "届满3年仍未履行公示义务的……列入严重违法企业名单" [secondary], repealed 2024-03-10.
ESCALATION_2014_17 = "《企业信息公示暂行条例》（2014年）第十七条"
CAIKU_2022_3 = (
    "《财政部关于〈中华人民共和国政府采购法实施条例〉第十九条第一款“较大数额罚款”"
    "具体适用问题的意见》（财库〔2022〕3号）"
)
# Before 财库〔2022〕3号 each locality set its own amount [secondary]; which one applied in
# Shantou is not known [unverified].
LOCAL_FINE_THRESHOLD = "地方财政部门确定的“较大数额罚款”标准（财库〔2022〕3号施行前）"
PENALTY_PUBLICITY = "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）"
# Domain §9: "Shantou plan task 10 (local rule)". The plan's official title is not given: this
# describes it rather than quoting it [unverified: title].
SHANTOU_TASK_10 = "汕头市市场监管信用体系建设方案（2021年）任务十：市场准入信用核查（地方规则）"
# 国办发〔2020〕42号 [secondary]: a breached commitment goes into the credit record and bars
# commitment-based approval; title [secondary].
GUOBAN_2020_42 = (
    "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》"
    "（国办发〔2020〕42号）"
)
# A legal person ends with its deregistration; one whose business licence is revoked must be
# dissolved [secondary].
DEREGISTERED_BASIS = "《中华人民共和国民法典》第五十九条、第六十八条（法人完成注销登记即终止）"
REVOKED_BASIS = "《中华人民共和国民法典》第六十九条第四项（被吊销营业执照的法人应当解散）"


def _basis(*parts: str) -> str:
    return "；".join(parts)


def _rules(
    purpose_basis: str, table: Mapping[FindingCode, tuple[FindingEffect, str]]
) -> PurposeRules:
    restricts = FindingEffect.RESTRICTS
    consequences = {
        FindingCode.ENTERPRISE_DEREGISTERED: Consequence(restricts, DEREGISTERED_BASIS),
        FindingCode.ENTERPRISE_REVOKED: Consequence(restricts, REVOKED_BASIS),
    }
    consequences.update({code: Consequence(*pair) for code, pair in table.items()})
    return PurposeRules(purpose_basis, consequences)


def purpose_table(
    info_regulation: str, major_fine_basis: str, *, escalation: bool
) -> dict[Purpose, PurposeRules]:
    """The domain §9 table with the given article of 《企业信息公示暂行条例》 on credit
    restrictions and the given source of the procurement fine threshold; with `escalation`,
    escalated abnormal-list entries weigh as serious-list entries."""
    table = _purpose_table(info_regulation, major_fine_basis)
    if escalation:
        return table
    return {
        purpose: PurposeRules(rules.legal_basis, {
            code: consequence for code, consequence in rules.consequences.items()
            if code is not FindingCode.ABNORMAL_LIST_ESCALATED
        })
        for purpose, rules in table.items()
    }


def _purpose_table(info_regulation: str, major_fine_basis: str) -> dict[Purpose, PurposeRules]:
    r, c = FindingEffect.RESTRICTS, FindingEffect.CAUTIONS
    code = FindingCode
    procurement = _basis(GPA_22, GPA_REGULATION_19, ORDER_44_15)
    listings = _basis(ORDER_44_15, info_regulation)
    change = SHANTOU_TASK_10
    commitment = _basis(ORDER_44_15_3, GUOBAN_2020_42)
    support = _basis(info_regulation, ORDER_44_15)
    return {
        Purpose.GOVERNMENT_PROCUREMENT: _rules(procurement, {
            code.SERIOUS_LIST_ACTIVE: (r, _basis(GPA_22, ORDER_44_15, info_regulation)),
            code.ABNORMAL_LIST_ESCALATED: (r, _basis(ESCALATION_2014_17, GPA_22, info_regulation)),
            code.MAJOR_VIOLATION: (r, _basis(GPA_22, GPA_REGULATION_19, major_fine_basis)),
            code.ABNORMAL_LIST_ACTIVE: (c, _basis(GPA_22, info_regulation)),
            code.PENALTY_IN_PUBLICITY: (c, _basis(GPA_22, PENALTY_PUBLICITY)),
        }),
        Purpose.PUBLIC_BIDDING: _rules(listings, {
            code.SERIOUS_LIST_ACTIVE: (r, listings),
            code.ABNORMAL_LIST_ESCALATED: (r, _basis(ESCALATION_2014_17, info_regulation)),
            code.ABNORMAL_LIST_ACTIVE: (c, info_regulation),
        }),
        Purpose.CHANGE_REGISTRATION: _rules(change, {
            code.SERIOUS_LIST_ACTIVE: (r, change),
            code.ABNORMAL_LIST_ESCALATED: (r, _basis(ESCALATION_2014_17, change)),
            code.ABNORMAL_LIST_ACTIVE: (r, change),
        }),
        Purpose.COMMITMENT_APPROVAL: _rules(commitment, {
            code.SERIOUS_LIST_ACTIVE: (r, ORDER_44_15_3),
            code.ABNORMAL_LIST_ESCALATED: (r, _basis(ESCALATION_2014_17, ORDER_44_15_3)),
            code.COMMITMENT_BREACHED: (r, GUOBAN_2020_42),
        }),
        Purpose.FISCAL_SUPPORT: _support_rules(support, info_regulation),
        Purpose.HONOURS: _support_rules(support, info_regulation),
    }


def _support_rules(basis: str, info_regulation: str) -> PurposeRules:
    """Fiscal support and honours: the same row of the table."""
    r, c = FindingEffect.RESTRICTS, FindingEffect.CAUTIONS
    return _rules(basis, {
        FindingCode.SERIOUS_LIST_ACTIVE: (r, basis),
        FindingCode.ABNORMAL_LIST_ESCALATED: (r, _basis(ESCALATION_2014_17, basis)),
        FindingCode.ABNORMAL_LIST_ACTIVE: (c, info_regulation),
        FindingCode.PENALTY_IN_PUBLICITY: (c, _basis(info_regulation, PENALTY_PUBLICITY)),
    })


VERIFY_2021 = VerificationRuleSet(
    version="verify-2021.1",
    effective_from=dt.date(2021, 9, 1),
    purposes=purpose_table(INFO_REGULATION_2014_18, LOCAL_FINE_THRESHOLD, escalation=True),
    procurement_fine_threshold=Decimal("1000000"),  # [unverified] local stand-in
    lookback_years=3,
    abnormal_escalation=True,
)

VERIFY_2022 = VerificationRuleSet(
    version="verify-2022.1",
    effective_from=dt.date(2022, 2, 8),
    purposes=purpose_table(INFO_REGULATION_2014_18, CAIKU_2022_3, escalation=True),
    procurement_fine_threshold=Decimal("2000000"),  # 财库〔2022〕3号 "200万元以上" [secondary]
    lookback_years=3,
    abnormal_escalation=True,
)

VERIFY_2024 = VerificationRuleSet(
    version="verify-2024.1",
    effective_from=dt.date(2024, 3, 10),
    purposes=purpose_table(INFO_REGULATION_19, CAIKU_2022_3, escalation=False),
    procurement_fine_threshold=Decimal("2000000"),
    lookback_years=3,
    abnormal_escalation=False,
)

DEFAULT_VERIFICATION_RULES = VerificationRuleBook((VERIFY_2021, VERIFY_2022, VERIFY_2024))
