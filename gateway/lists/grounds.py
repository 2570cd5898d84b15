"""The legal grounds of list decisions and the wording a listing record gives them.

Abnormal-operations grounds follow 《企业经营异常名录管理办法》 as revised by SAMR Order 101
(2025) and 《企业信息公示暂行条例》 as revised 2024-03-10 (domain.md §2). The wording is the one
the bureau's records use for each ground, so that an entry a department system delivered and
one a supervisor decided here compare equal when the same ground is checked twice.
"""

from __future__ import annotations

import datetime as dt
import enum


class AbnormalGround(enum.StrEnum):
    """Why an enterprise is put on the abnormal-operations list."""

    ANNUAL_REPORT_NOT_FILED = "ANNUAL_REPORT_NOT_FILED"
    INFO_NOT_DISCLOSED = "INFO_NOT_DISCLOSED"
    NAME_CHANGE_NOT_REGISTERED = "NAME_CHANGE_NOT_REGISTERED"
    UNREACHABLE_AT_ADDRESS = "UNREACHABLE_AT_ADDRESS"
    FALSE_INFORMATION_DISCLOSED = "FALSE_INFORMATION_DISCLOSED"
    """A ground only for decisions dated before FALSE_INFORMATION_REPEALED_ON."""


class RevocationGround(enum.StrEnum):
    """Why a list decision is revoked."""

    PENALTY_ANNULLED = "PENALTY_ANNULLED"
    """The penalty the serious listing was decided with was annulled (Order 44 Art.19)."""


FALSE_INFORMATION_REPEALED_ON = dt.date(2024, 3, 10)
"""From this day disclosing false information is fined instead (serious cases go to the
serious list); older records may still carry the ground."""

ABNORMAL_REASONS: dict[AbnormalGround, str] = {
    AbnormalGround.ANNUAL_REPORT_NOT_FILED:
        "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告",
    AbnormalGround.INFO_NOT_DISCLOSED:
        "未在市场监督管理部门依照《企业信息公示暂行条例》第十条规定责令的期限内公示有关企业信息",
    AbnormalGround.NAME_CHANGE_NOT_REGISTERED: "企业名称变更后未依法办理变更登记",
    AbnormalGround.UNREACHABLE_AT_ADDRESS: "通过登记的住所或者经营场所无法联系",
    AbnormalGround.FALSE_INFORMATION_DISCLOSED: "公示企业信息隐瞒真实情况、弄虚作假",
}
"""The reason a listing record states for each ground."""

EARLY_REMOVAL_REASON = "已履行行政处罚决定、消除危害后果和不良社会影响，经申请提前移出"
"""Removal reason of a serious-list entry removed early on application (Order 44)."""

REVOCATION_REASONS: dict[RevocationGround, str] = {
    RevocationGround.PENALTY_ANNULLED:
        "列入所依据的行政处罚决定被依法撤销，撤销列入决定"
        "（《市场监督管理严重违法失信名单管理办法》第十九条）",
}
"""The removal reason a revoked entry states."""
