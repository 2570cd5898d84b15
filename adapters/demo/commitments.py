"""Credit commitments (信用承诺) the licensing system records, and the check of each.

Licence applicants under commitment-based approval (告知承诺制) commit when they apply; others
commit to replace a certificate, to have their credit repaired, or of their own accord. A
commitment is checked one to twelve months later; riskier enterprises breach more often.
"""

from __future__ import annotations

import datetime as dt

from adapters.demo import days
from adapters.demo.context import Context, Enterprise
from adapters.demo.layout import COMMITMENTS

APPROVAL = "告知承诺制审批"
_OTHERS = (
    ("证明事项告知承诺",
     "承诺住所（经营场所）使用证明真实有效，如与事实不符，愿意承担相应法律责任"),
    ("主动型信用承诺", "承诺依法诚信经营，产品质量符合国家标准，接受社会监督"),
)
_REPAIR = ("信用修复承诺",
           "承诺已纠正失信行为、消除不良影响，今后依法诚信经营，如有违反愿意接受惩戒")


def generate(ctx: Context, e: Enterprise) -> None:
    """Append the enterprise's commitments: with half its food licence applications, and
    one in ten enterprises otherwise."""
    rng = ctx.rng
    k = 0
    for row in e.licences:
        if row[4] in ("食品经营许可证", "食品生产许可证") and rng.random() < 0.5:
            content = (f"申请{row[4]}，承诺已具备法定许可条件，所填报信息和提交材料真实有效；"
                       "如有虚假承诺，愿意承担相应法律责任")
            _append(ctx, e, k, APPROVAL, content, dt.date.fromisoformat(row[8]).toordinal())
            k += 1
    first, last = e.first, e.ended
    if rng.random() < 0.1 or (k == 0 and e.forced == COMMITMENTS.name):
        repair = e.listed and rng.random() < 0.5
        kind, content = _REPAIR if repair else _OTHERS[int(rng.random() * 2)]
        _append(ctx, e, k, kind, content, days.between(rng, min(first, last), last))


def _append(ctx: Context, e: Enterprise, k: int, kind: str, content: str, day: int) -> None:
    rng = ctx.rng
    check_day = day + 30 + int(rng.random() * 335)
    checked = check_day if check_day <= days.LAST_DAY else None
    if checked is None:
        status = "履约中"
    else:
        status = "违诺" if rng.random() < 0.02 + 0.3 * e.risk else "已履约"
    e.committed += 1
    ctx.out.commitments.append((
        f"CN{e.index:07d}{k:02d}", e.uscc, e.name, kind, content, days.iso(day), status,
        days.iso(checked) if checked is not None else None,
        days.updated(rng, checked if checked is not None else day),
    ))
