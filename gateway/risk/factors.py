"""The factors a risk model weighs: each reads one number from the indicators. A model gives
each factor a weight (gateway.risk.config); the factor's contribution is weight × value."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable

from gateway.records import EnterpriseStatus
from gateway.risk.indicators import Indicators

YOUNG_YEARS = 2.0
"""Established less than this many years ago: a young enterprise."""
MATURE_YEARS = 10.0
"""Established at least this many years ago: a long-standing enterprise."""
COUNT_CAP = 3
"""Counts above this add nothing more: a fourth penalty says little a third did not."""


class FactorCode(enum.StrEnum):
    """Stable codes of the factors (the keys of a model's weights)."""

    YOUNG = "YOUNG"
    LONG_ESTABLISHED = "LONG_ESTABLISHED"
    STATUS_REVOKED = "STATUS_REVOKED"
    STATUS_SUSPENDED = "STATUS_SUSPENDED"
    STATUS_ENDED = "STATUS_ENDED"
    PENALTY_SERIOUS = "PENALTY_SERIOUS"
    PENALTY_GENERAL = "PENALTY_GENERAL"
    PENALTY_MINOR = "PENALTY_MINOR"
    PENALTY_OLD = "PENALTY_OLD"
    ABNORMAL_LISTED = "ABNORMAL_LISTED"
    SERIOUS_LISTED = "SERIOUS_LISTED"
    LISTED_BEFORE = "LISTED_BEFORE"
    INSPECTION_NEGATIVE = "INSPECTION_NEGATIVE"
    SAMPLE_UNQUALIFIED = "SAMPLE_UNQUALIFIED"
    INSPECTION_CLEAN = "INSPECTION_CLEAN"
    INSPECTION_TARGETED = "INSPECTION_TARGETED"
    LICENCE_LAPSED = "LICENCE_LAPSED"
    LICENCE_REVOKED = "LICENCE_REVOKED"
    COMMITMENT_BREACHED = "COMMITMENT_BREACHED"
    RELATED_PARTY = "RELATED_PARTY"


@dataclasses.dataclass(frozen=True, slots=True)
class Factor:
    code: FactorCode
    label: str
    """Chinese description; the value is appended to it."""
    value: Callable[[Indicators], float]
    counted: bool = False
    """The value is a count (shown in the description), not a yes/no."""

    def describe(self, value: float) -> str:
        """The label, with the count when the factor counts."""
        return f"{self.label}: {value:g}" if self.counted else self.label


def _flag(condition: bool) -> float:
    return 1.0 if condition else 0.0


def _count(n: int) -> float:
    return float(min(n, COUNT_CAP))


def _young(i: Indicators) -> float:
    age = i.age_years
    return _flag(age is not None and age < YOUNG_YEARS)


def _mature(i: Indicators) -> float:
    age = i.age_years
    return _flag(age is not None and age >= MATURE_YEARS)


_ENDED = frozenset({EnterpriseStatus.DEREGISTERED, EnterpriseStatus.MOVED_OUT})

FACTORS: tuple[Factor, ...] = (
    Factor(FactorCode.YOUNG, "成立不满2年", _young),
    Factor(FactorCode.LONG_ESTABLISHED, "成立10年以上", _mature),
    Factor(FactorCode.STATUS_REVOKED, "营业执照被吊销",
           lambda i: _flag(i.status is EnterpriseStatus.REVOKED)),
    Factor(FactorCode.STATUS_SUSPENDED, "停业",
           lambda i: _flag(i.status is EnterpriseStatus.SUSPENDED)),
    Factor(FactorCode.STATUS_ENDED, "已注销或迁出", lambda i: _flag(i.status in _ENDED)),
    Factor(FactorCode.PENALTY_SERIOUS, "近3年严重违法行政处罚（件）",
           lambda i: _count(i.serious_penalties), counted=True),
    Factor(FactorCode.PENALTY_GENERAL, "近3年一般违法行政处罚（件）",
           lambda i: _count(i.general_penalties), counted=True),
    Factor(FactorCode.PENALTY_MINOR, "近3年轻微违法行政处罚（件）",
           lambda i: _count(i.minor_penalties), counted=True),
    Factor(FactorCode.PENALTY_OLD, "3年前的行政处罚（件）",
           lambda i: _count(i.old_penalties), counted=True),
    Factor(FactorCode.ABNORMAL_LISTED, "列入经营异常名录",
           lambda i: _flag(i.abnormal_listings > 0)),
    Factor(FactorCode.SERIOUS_LISTED, "列入严重违法失信名单",
           lambda i: _flag(i.serious_listings > 0)),
    Factor(FactorCode.LISTED_BEFORE, "曾被列入异常名录或失信名单（条）",
           lambda i: _count(i.past_listings), counted=True),
    Factor(FactorCode.INSPECTION_NEGATIVE, "近3年检查发现问题（次）",
           lambda i: _count(i.negative_inspections), counted=True),
    Factor(FactorCode.SAMPLE_UNQUALIFIED, "近3年抽检不合格（批次）",
           lambda i: _count(i.unqualified_samples), counted=True),
    Factor(FactorCode.INSPECTION_CLEAN, "近3年检查未发现问题、抽检合格（次）",
           lambda i: _count(i.clean_inspections), counted=True),
    Factor(FactorCode.INSPECTION_TARGETED, "近3年被定向检查（次）",
           lambda i: _count(i.targeted_inspections), counted=True),
    Factor(FactorCode.LICENCE_LAPSED, "许可证过期仍在经营", lambda i: _flag(i.licence_lapsed)),
    Factor(FactorCode.LICENCE_REVOKED, "许可证被吊销或暂扣（件）",
           lambda i: _count(i.revoked_licences), counted=True),
    Factor(FactorCode.COMMITMENT_BREACHED, "违反信用承诺（次）",
           lambda i: _count(i.breached_commitments), counted=True),
    Factor(FactorCode.RELATED_PARTY, "同一法定代表人的其他企业被吊销或列入名录（户）",
           lambda i: _count(i.related_parties), counted=True),
)
