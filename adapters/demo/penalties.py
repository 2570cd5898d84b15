"""Administrative penalties in the enforcement system, across the severity tiers of SAMR
Order 107: warnings and small fines (minor), other fines (general), and heavy penalties in key
areas, suspensions and revocations (serious). Simple procedure (简易程序) covers warnings and
fines up to ¥3,000 on the spot; everything else is ordinary procedure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from adapters.demo import days, licences, listings
from adapters.demo import violations as v
from adapters.demo.codes import document_number
from adapters.demo.context import Context, Enterprise
from adapters.demo.draws import poisson
from adapters.demo.labels import KEY_AREA_LABEL
from adapters.demo.layout import PENALTIES
from adapters.demo.places import CITY_BUREAU, CITY_SHORT
from adapters.demo.violations import Violation


@dataclasses.dataclass(frozen=True, slots=True)
class _Sanction:
    measures: str
    fine: str | None
    confiscated: str | None
    simple: bool


def generate(ctx: Context, e: Enterprise, failed_samples: Sequence[int]) -> None:
    """Append the enterprise's penalties (and any serious-list entries decided with them)."""
    rng = ctx.rng
    first, last = e.first, e.ended
    count = poisson(rng, (0.05 + 1.6 * e.risk * e.risk) * e.share) if e.share else 0
    if count == 0 and e.forced == PENALTIES.name:
        count = 1
    k = 0
    for _ in range(count):
        violation = _violation(ctx, e)
        _decide(ctx, e, k, days.between(rng, first, last), violation)
        k += 1
    for day in failed_samples:
        if rng.random() < 0.5 and day + 30 < days.LAST_DAY:
            _decide(ctx, e, k, days.between(rng, day + 30, min(day + 120, days.LAST_DAY)),
                    e.sector.violations[0])
            k += 1
    if e.status == "吊销" and e.kind == "91" and e.ended >= days.Y2019:
        _revoke_business_licence(ctx, e, k)


def _violation(ctx: Context, e: Enterprise) -> Violation:
    pool = e.sector.violations if ctx.rng.random() < 0.7 else v.GENERAL
    return pool[int(ctx.rng.random() * len(pool))]


def _amount(ctx: Context, low: int, high: int, step: int) -> str:
    return f"{low + step * int(ctx.rng.random() * ((high - low) // step + 1))}.00"


def _sanction(ctx: Context, e: Enterprise, violation: Violation) -> _Sanction:
    """The measures and amounts; heavier with risk and for violations that call for it."""
    rng = ctx.rng
    r = e.risk
    heavy = (0.03 + 0.3 * r) if violation.heavy else (0.005 + 0.04 * r)
    general = 0.15 + 0.2 * r
    simple = 0.3 * (1 - r) + 0.05 if e.kind == "91" else 0.6
    u = rng.random()
    if u < heavy:
        return _heavy(ctx, e)
    if u < heavy + general:
        return _Sanction("罚款;没收违法所得", _amount(ctx, 50_000, 500_000, 5000),
                         f"{int(rng.random() * 80000) + 500}.{int(rng.random() * 100):02d}", False)
    if u < heavy + general + simple:
        if rng.random() < 0.5:
            return _Sanction("警告", None, None, True)
        return _Sanction("罚款", _amount(ctx, 200, 3000, 100), None, True)
    if rng.random() < 0.15:
        return _Sanction("警告", None, None, False)
    return _Sanction("警告;罚款" if rng.random() < 0.3 else "罚款",
                     _amount(ctx, 5000, 50_000, 1000), None, False)


def _heavy(ctx: Context, e: Enterprise) -> _Sanction:
    rng = ctx.rng
    u = rng.random()
    confiscated = f"{int(rng.random() * 300000) + 1000}.{int(rng.random() * 100):02d}"
    if u < 0.07:
        return _Sanction("罚款;没收违法所得", _amount(ctx, 2_000_000, 5_000_000, 50_000),
                         confiscated, False)
    if u < 0.45 and e.sector.licence in ("SC", "TS"):
        return _Sanction("罚款;没收违法所得;吊销许可证件", _amount(ctx, 100_000, 1_000_000, 10_000),
                         confiscated, False)
    if u < 0.75:
        return _Sanction("罚款;没收违法所得;责令停产停业", _amount(ctx, 100_000, 800_000, 10_000),
                         confiscated, False)
    return _Sanction("罚款;没收违法所得;没收非法财物", _amount(ctx, 100_000, 1_000_000, 10_000),
                     confiscated, False)


def _authority(ctx: Context, e: Enterprise, serious: bool) -> tuple[str, str]:
    """(bureau, document prefix): the city bureau takes a fifth, and most serious cases."""
    if ctx.rng.random() < (0.6 if serious else 0.2):
        return CITY_BUREAU, CITY_SHORT
    return e.district.bureau, e.district.short


def _decide(ctx: Context, e: Enterprise, k: int, day: int, violation: Violation) -> None:
    rng = ctx.rng
    sanction = _sanction(ctx, e, violation)
    area = e.sector.key_area if violation not in v.GENERAL else None
    serious = not sanction.simple and sanction.fine is not None and (
        area is not None or "吊销" in sanction.measures or "停产" in sanction.measures)
    authority, short = _authority(ctx, e, serious)
    kind = "简罚" if sanction.simple else "罚"
    year = days.year(day)
    number = document_number(short, kind, year, ctx.numbering.next((short, kind, year)))
    performed = day if sanction.fine is None else day + 5 + int(rng.random() * 55)
    e.penalised += 1
    ctx.out.penalties.append((
        f"CF{e.index:07d}{k:02d}", e.uscc, e.name, number, days.iso(day), authority,
        violation.text, sanction.measures, violation.basis, sanction.fine, sanction.confiscated,
        "简易程序" if sanction.simple else "普通程序", KEY_AREA_LABEL[area] if area else None,
        days.iso(performed) if performed <= days.LAST_DAY and rng.random() < 0.9 else None,
        days.updated(rng, day),
    ))
    if "吊销许可证件" in sanction.measures:
        licences.revoke(ctx, e, day)
    if violation.heavy and "罚款;没收违法所得;" in sanction.measures and rng.random() < 0.5:
        measures = sanction.measures.replace(";", "、")
        listings.serious(ctx, e, day, f"{violation.text}，受到{measures}的较重行政处罚",
                         authority, short)


def _revoke_business_licence(ctx: Context, e: Enterprise, k: int) -> None:
    """The penalty behind a 吊销 status: the Company Law's not-operating ground."""
    day = e.ended
    year = days.year(day)
    short = e.short
    e.penalised += 1
    ctx.out.penalties.append((
        f"CF{e.index:07d}{k:02d}", e.uscc, e.name,
        document_number(short, "罚", year, ctx.numbering.next((short, "罚", year))),
        days.iso(day), e.bureau, v.NOT_OPERATING, "吊销营业执照",
        v.not_operating_basis(days.iso(day)), None, None, "普通程序", None, days.iso(day),
        days.updated(ctx.rng, day),
    ))
