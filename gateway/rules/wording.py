"""The Chinese one-sentence summaries of verification findings, each naming its record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gateway.records import (
    Commitment,
    EnterpriseStatus,
    Listing,
    Penalty,
    PenaltyMeasure,
    Registration,
)

_ONE_DAY = dt.timedelta(days=1)

MEASURE_NAMES = {
    PenaltyMeasure.WARNING: "警告",
    PenaltyMeasure.CIRCULATED_CRITICISM: "通报批评",
    PenaltyMeasure.FINE: "罚款",
    PenaltyMeasure.CONFISCATION: "没收违法所得、没收非法财物",
    PenaltyMeasure.RESTRICTION: "限制开展生产经营活动",
    PenaltyMeasure.SUSPENSION: "责令停产停业",
    PenaltyMeasure.LICENSE_REVOCATION: "吊销许可证件",
    PenaltyMeasure.BUSINESS_LICENSE_REVOCATION: "吊销营业执照",
    PenaltyMeasure.DOWNGRADE: "降低资质等级",
    PenaltyMeasure.CLOSURE: "责令关闭",
    PenaltyMeasure.OCCUPATIONAL_BAN: "限制从业",
}


def day(value: dt.date) -> str:
    """2024年3月10日."""
    return f"{value.year}年{value.month}月{value.day}日"


def yuan(amount: Decimal) -> str:
    """An amount in yuan without exponent: 2000000元."""
    return f"{amount:f}元"


def measures_text(penalty: Penalty) -> str:
    """The measures in Chinese, the fine with its amount when known."""
    parts = []
    for measure in penalty.measures:
        name = MEASURE_NAMES[measure]
        if measure is PenaltyMeasure.FINE and penalty.fine_amount is not None:
            name += yuan(penalty.fine_amount)
        parts.append(name)
    if PenaltyMeasure.FINE not in penalty.measures and penalty.fine_amount is not None:
        parts.append("罚款" + yuan(penalty.fine_amount))
    return "、".join(parts) or "处罚种类未载明"


def status_summary(registration: Registration) -> str:
    if registration.status is EnterpriseStatus.DEREGISTERED:
        return f"{registration.name}（{registration.uscc}）已注销登记。"
    return f"{registration.name}（{registration.uscc}）已被吊销营业执照。"


def _listed(listing: Listing, list_name: str) -> str:
    number = f"（{listing.decision_number}）" if listing.decision_number else ""
    return (
        f"{listing.listed_by}于{day(listing.listed_on)}将企业列入{list_name}{number}，"
        f"列入事由：{listing.reason}"
    )


def serious_summary(listing: Listing) -> str:
    ends = (
        f"，期满日为{day(listing.expires_on - _ONE_DAY)}" if listing.expires_on else "，尚未移出"
    )
    return _listed(listing, "严重违法失信名单") + ends + "。"


def abnormal_summary(listing: Listing) -> str:
    return _listed(listing, "经营异常名录") + "，尚未移出。"


def escalation_summary(listing: Listing, years: int) -> str:
    return (
        _listed(listing, "经营异常名录")
        + f"，列入已满{years}年仍未移出，依当时施行的规定视同列入严重违法企业名单。"
    )


def _decision(penalty: Penalty) -> str:
    return (
        f"{penalty.authority}于{day(penalty.decided_on)}作出行政处罚决定"
        f"{penalty.decision_number}（{penalty.violation}；{measures_text(penalty)}）"
    )


def major_summary(penalty: Penalty, years: int) -> str:
    return _decision(penalty) + f"，属{years}年内的重大违法记录。"


def publicity_summary(penalty: Penalty, public_until: dt.date) -> str:
    return _decision(penalty) + f"，处于公示期内，公示至{day(public_until - _ONE_DAY)}。"


def breach_summary(commitment: Commitment) -> str:
    checked = f"，{day(commitment.checked_on)}经核查" if commitment.checked_on else "，经核查"
    return (
        f"企业于{day(commitment.committed_on)}作出的信用承诺（{commitment.kind}：{commitment.content}）"
        f"{checked}未履行。"
    )


def stale_summary(source: str) -> str:
    return f"数据来源“{source}”不可用或数据超过允许的时效，无法据此确认核查结论。"
