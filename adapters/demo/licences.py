"""Licences in the licensing system: food production (SC), special equipment production (TS),
industrial product (XK) and food business (JY) licences, with renewals and their end.

Numbers: SC + 3-digit category + 44 + 05 + county + 4-digit sequence + check digit (SAMR
Order 24 of 2020, Art.30; the check algorithm is unpublished, so it is a random digit);
TS + 7 digits + '-' + the year the licence runs to; 粤XK16-204- + 5 digits; JY + 1 digit
kind + 6-digit division + 6-digit sequence + check digit.
"""

from __future__ import annotations

from typing import Any

from adapters.demo import days
from adapters.demo.context import Context, Enterprise
from adapters.demo.industries import SECTORS
from adapters.demo.labels import KEY_AREA_LABEL
from adapters.demo.layout import LICENCES
from adapters.demo.places import CITY_BUREAU
from gateway.records import KeyArea

PROVINCE_BUREAU = "广东省市场监督管理局"
_STARTS = {"SC": days.ordinal(2015, 10, 1), "JY": days.ordinal(2015, 10, 1),
           "TS": days.ordinal(2019, 6, 1), "XK": days.ordinal(2018, 1, 1)}
_VALID_YEARS = {"SC": 5, "JY": 5, "TS": 4, "XK": 5}
_TITLES = {"SC": "食品生产许可证", "TS": "中华人民共和国特种设备生产许可证",
           "XK": "全国工业产品生产许可证", "JY": "食品经营许可证"}
_FOOD_SALE = (("1", "预包装食品销售"),)
_SPECIAL_FOOD_CATEGORIES = ("127", "128", "129")
_RENEWAL_SHARE = 0.88
STATUS_COLUMN = 11
GXSJ_COLUMN = 12


_HOLDING_SHARES = {"SC": 0.92, "TS": 0.9, "XK": 0.5, "JY": 0.3}
_HOLDING_SHARE = {s.key: 0.9 if s.key == "catering" else _HOLDING_SHARES.get(s.licence or "", 0.0)
                  for s in SECTORS}
"""Share of a sector's enterprises (not cooperatives) that hold its licence."""


def generate(ctx: Context, e: Enterprise) -> None:
    """Draw the enterprise's licences into `e.licences` (flushed by `flush`)."""
    rng = ctx.rng
    family = e.sector.licence
    share = 0.0 if e.kind == "93" else _HOLDING_SHARE[e.sector.key]
    if not share or rng.random() >= share:
        if e.forced != LICENCES.name:
            return
        family = "JY"
    if family is None:
        return
    count = 2 if family == "SC" and rng.random() < 0.15 else 1
    for k in range(count):
        _append(ctx, e, family, k)


def _category(ctx: Context, e: Enterprise, family: str) -> tuple[str, str]:
    categories = e.sector.categories if family == e.sector.licence else _FOOD_SALE
    return categories[int(ctx.rng.random() * len(categories))]


def _number(ctx: Context, e: Enterprise, family: str, category: str, until: int) -> str:
    county = e.district.code[4:]
    seq = ctx.numbering.next((family, category, county))
    check = str(int(ctx.rng.random() * 10))
    if family == "SC":
        return f"SC{category}4405{county}{seq % 10000:04d}{check}"
    if family == "TS":
        return f"TS{category}{seq % 1000:03d}-{days.year(until)}"
    if family == "XK":
        return f"粤XK16-204-{seq % 100000:05d}"
    return f"JY{category}{e.district.code}{seq % 1000000:06d}{check}"


def _issuer(ctx: Context, e: Enterprise, family: str, category: str) -> str:
    if family in ("TS", "XK") or category in _SPECIAL_FOOD_CATEGORIES:
        return PROVINCE_BUREAU
    if family == "SC" and ctx.rng.random() < 0.4:
        return CITY_BUREAU
    return e.district.bureau


def _key_area(family: str, category: str) -> str | None:
    if family == "TS":
        return KEY_AREA_LABEL[KeyArea.SPECIAL_EQUIPMENT_PRODUCTION]
    if family != "SC":
        return None
    if category in _SPECIAL_FOOD_CATEGORIES:
        return KEY_AREA_LABEL[KeyArea.SPECIAL_FOOD]
    area = KeyArea.FOOD_ADDITIVE_PRODUCTION if category.startswith("2") else KeyArea.FOOD_PRODUCTION
    return KEY_AREA_LABEL[area]


def _term(ctx: Context, e: Enterprise, family: str) -> tuple[int, int] | None:
    """(start, last day) of the current term after renewals; None if never issued."""
    rng = ctx.rng
    last = min(e.ended, days.LAST_DAY)
    start = max(e.established + 10 + int(rng.random() * 80), _STARTS[family])
    if start > last:
        if e.forced != LICENCES.name:
            return None
        start = last
    years = _VALID_YEARS[family]
    while days.add_years(start, years) <= last and rng.random() < _RENEWAL_SHARE:
        start = days.add_years(start, years)
    return start, days.add_years(start, years) - 1


def _status(ctx: Context, e: Enterprise, start: int, until: int) -> tuple[str, int]:
    """(status label, day it took effect)."""
    rng = ctx.rng
    if e.status in ("注销", "吊销", "迁出") and e.ended <= until:
        return "注销", max(e.ended, start)
    if until < days.LAST_DAY:
        return ("过期" if rng.random() < 0.8 else "注销"), until + 1
    if e.status in ("停业", "歇业") and rng.random() < 0.3:
        return "暂停", max(e.ended, start)
    if rng.random() < 0.01:
        return "撤回", days.between(rng, start, days.LAST_DAY)
    return "有效", start


def _append(ctx: Context, e: Enterprise, family: str, k: int) -> None:
    term = _term(ctx, e, family)
    if term is None:
        return
    start, until = term
    category, scope = _category(ctx, e, family)
    status, changed = _status(ctx, e, start, until)
    e.licences.append([
        f"XK{e.index:07d}{k:02d}", e.uscc, e.name, _number(ctx, e, family, category, until),
        _TITLES[family], _key_area(family, category), scope,
        _issuer(ctx, e, family, category), days.iso(start), days.iso(start), days.iso(until),
        status, days.updated(ctx.rng, changed),
    ])


def revoke(ctx: Context, e: Enterprise, day: int) -> bool:
    """Mark a production licence in force on `day` as revoked by a penalty of that day."""
    for row in e.licences:
        number: Any = row[3]
        if number[:2] in ("SC", "TS") and row[8] <= days.iso(day) <= row[10]:
            row[STATUS_COLUMN] = "吊销"
            row[GXSJ_COLUMN] = days.updated(ctx.rng, day)
            return True
    return False


def flush(ctx: Context, e: Enterprise) -> None:
    """Move the enterprise's licence rows into the chunk."""
    ctx.out.licences.extend(tuple(row) for row in e.licences)
