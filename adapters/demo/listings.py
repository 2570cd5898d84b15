"""Entries on the abnormal-operations list (经营异常名录) and the serious illegal and dishonest
list (严重违法失信名单).

Abnormal listings use the four grounds of the 2025 rules (annual report late, information not
disclosed when ordered, name change not registered, unreachable at the registered address) and
the old false-disclosure ground before 2024-03-10; many are removed after correction. Serious
listings come with heavy penalties, or (before 2024-03-10) from three uncorrected years on the
abnormal list; they run three years, some removed early after repair.
"""

from __future__ import annotations

from adapters.demo import days
from adapters.demo.codes import document_number
from adapters.demo.context import Context, Enterprise
from adapters.demo.draws import BITS, table
from adapters.demo.layout import LISTINGS

ABNORMAL = "经营异常名录"
SERIOUS = "严重违法失信名单"
OLD_RULES_END = days.ordinal(2024, 3, 10)
"""From this day false disclosure is no longer a ground, and three years on the abnormal
list no longer lead to the serious list."""

_ESCALATION_UNTIL = days.add_years(OLD_RULES_END, -3)
_ANNUAL_REPORT = "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告"
_FALSE_DISCLOSURE = "公示企业信息隐瞒真实情况、弄虚作假"
_UNREACHABLE = ("通过登记的住所或者经营场所无法联系", "已依法办理住所变更登记，恢复联系")
_GROUNDS = table(
    ((_ANNUAL_REPORT, "已补报未报年份的年度报告并公示"),
     ("未在市场监督管理部门依照《企业信息公示暂行条例》第十条规定责令的期限内公示有关企业信息",
      "已履行公示义务"),
     ("企业名称变更后未依法办理变更登记", "已依法办理变更登记"),
     _UNREACHABLE,
     (_FALSE_DISCLOSURE, "已更正其公示的信息")),
    (55, 8, 5, 30, 4),
)


def generate(ctx: Context, e: Enterprise) -> None:
    """Maybe list the enterprise as abnormal (individual businesses are marked, not listed)."""
    rng = ctx.rng
    forced = e.forced == LISTINGS.name
    share = 0.8 if e.status == "吊销" else (0.03 + 0.4 * e.risk) * e.share
    if not forced and (e.kind == "92" or rng.random() >= share):
        return
    first, last = e.first, e.ended
    reason, removal = _GROUNDS[rng.getrandbits(BITS)]
    day = _listing_day(ctx, reason, min(first, last), last)
    if reason == _FALSE_DISCLOSURE and day >= OLD_RULES_END:
        reason, removal = _UNREACHABLE
    removed = None
    if e.status != "吊销" and rng.random() < 0.65 - 0.4 * e.risk:
        removed = day + 10 + int(rng.random() * 390)
        removed = removed if removed <= days.LAST_DAY else None
    number = document_number(e.short, "列异", days.year(day),
                             ctx.numbering.next((e.short, "列异", days.year(day))))
    _append(ctx, e, ABNORMAL, reason, day, e.bureau, number, None, removed,
            removal if removed else None)
    uncorrected = removed is None or removed > days.add_years(day, 3)
    if day < _ESCALATION_UNTIL and uncorrected:
        _escalate(ctx, e, day)


def _listing_day(ctx: Context, reason: str, first: int, last: int) -> int:
    """Annual-report listings fall in July and August; others on any day."""
    day = days.between(ctx.rng, first, last)
    if reason != _ANNUAL_REPORT:
        return day
    july = days.ordinal(days.year(day), 7, 1) + int(ctx.rng.random() * 60)
    return july if first <= july <= last else day


def _escalate(ctx: Context, e: Enterprise, abnormal_day: int) -> None:
    """The old rule: three years on the abnormal list lead to the serious list."""
    day = days.add_years(abnormal_day, 3) + int(ctx.rng.random() * 20)
    if day < min(OLD_RULES_END, days.LAST_DAY):
        serious(ctx, e, day, "被列入经营异常名录届满3年仍未履行相关义务", e.bureau, e.short)


def serious(ctx: Context, e: Enterprise, day: int, reason: str, authority: str, short: str) -> None:
    """List the enterprise as seriously dishonest within 20 working days of `day`."""
    rng = ctx.rng
    listed = min(day + 5 + int(rng.random() * 23), days.LAST_DAY)
    expires = days.add_years(listed, 3)
    removed, why = None, None
    if expires <= days.LAST_DAY:
        if rng.random() < 0.7:
            removed, why = expires, "列入满三年，期满移出"
    elif listed + 365 <= days.LAST_DAY and rng.random() < 0.15:
        removed = days.between(rng, listed + 365, days.LAST_DAY)
        why = "已履行行政处罚决定、消除不良影响，经申请提前移出"
    year = days.year(listed)
    number = document_number(short, "严列", year, ctx.numbering.next((short, "严列", year)))
    _append(ctx, e, SERIOUS, reason, listed, authority, number, expires, removed, why)


def _append(ctx: Context, e: Enterprise, kind: str, reason: str, listed: int, authority: str,
            number: str, expires: int | None, removed: int | None, why: str | None) -> None:
    ctx.out.listings.append((
        f"MD{e.index:07d}{e.listed:02d}", e.uscc, e.name, kind, reason, days.iso(listed),
        authority, number, days.iso(expires) if expires else None,
        days.iso(removed) if removed else None, why,
        days.updated(ctx.rng, removed if removed is not None else listed),
    ))
    e.listed += 1
