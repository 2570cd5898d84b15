"""An enterprise's profile and its row in the registration system (djzc_qyjbxx).

The profile includes a synthetic risk in 0..1, drawn as u³ (most enterprises low), that the
other generators use to decide how many penalties, negative inspections and list entries an
enterprise gets. It is the ground truth a risk model can be evaluated against; it is never
written into any source system.
"""

from __future__ import annotations

import random

from adapters.demo import days, names, persons
from adapters.demo.codes import CodeMaker
from adapters.demo.context import Context, Enterprise
from adapters.demo.draws import BITS, table
from adapters.demo.industries import SECTORS, Sector
from adapters.demo.places import CITY_BUREAU, CITY_CODE, CITY_SHORT, DISTRICTS, District

NEW_STYLE_FROM = days.ordinal(2015, 10, 1)
"""USCCs issued from this day have organisation codes starting with MA."""
_DISTRICT_STATUS_DAY = days.ordinal(2003, 1, 1)
_FACTORY_UNTIL = days.ordinal(2005, 1, 1)
_COLLECTIVE_UNTIL = days.ordinal(1998, 1, 1)
_FIRST_ESTABLISHED = days.ordinal(1988, 1, 1)
_LAST_ESTABLISHED = days.LAST_DAY - 30
_ESTABLISHED_SPAN = _LAST_ESTABLISHED - _FIRST_ESTABLISHED
_RECORD_SPAN = days.LAST_DAY - days.Y2019
_NBXH_BASE = 4405_0000_0000_0000

_DISTRICTS = table(DISTRICTS, [d.weight for d in DISTRICTS])
_SECTORS = {d.code: table(SECTORS, [s.weight * s.affinity.get(d.code, 1.0) for s in SECTORS])
            for d in DISTRICTS}
_WORDS = {s.key: table(s.words) for s in SECTORS}
_INDUSTRIES = {s.key: table(s.industries, [len(s.industries) - i for i in range(len(s.industries))])
               for s in SECTORS}
_CAPITAL = table(
    ("10", "30", "50", "100", "200", "300", "500", "800", "1000", "2000", "3000", "5000", "10000",
     "58.8", "128"),
    (6, 8, 14, 22, 12, 10, 10, 2, 7, 3, 2, 1, 0.5, 0.5, 0.5),
)
_INDIVIDUAL_CAPITAL = table((None, "1", "3", "5", "10", "20", "50"), (60, 8, 8, 10, 8, 4, 2))
_COOPERATIVE_CAPITAL = table(("20", "50", "100", "200", "500"), (2, 4, 3, 2, 1))
_CAPITALS = {"91": _CAPITAL, "92": _INDIVIDUAL_CAPITAL, "93": _COOPERATIVE_CAPITAL}
"""Registered capital in 万元, as numeric text, by authority and type."""
_LIMITED_TYPES = table(
    ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
     "有限责任公司（台港澳法人独资）", "有限责任公司（外国法人独资）"), (70, 25, 3, 2))
_CITY_REGISTERED = frozenset(("有限责任公司（台港澳法人独资）", "有限责任公司（外国法人独资）",
                              "股份有限公司（非上市、自然人投资或控股）"))
OPERATING = frozenset(("存续", "在业"))


def _status(rng: random.Random, risk: float, kind: str) -> str:
    """Mostly operating; riskier enterprises are revoked and suspended more often."""
    u = rng.random() - (0.01 + 0.12 * risk * risk) * (1.0 if kind == "91" else 0.3)
    if u < 0:
        return "吊销"
    if u < 0.06:
        return "注销"
    u -= 0.06 + (0.01 if kind == "91" else 0.0)
    if u < 0:
        return "迁出"
    u -= 0.01 + 0.02 * risk
    if u < 0:
        return "停业"
    if u < 0.005:
        return "歇业"
    return "在业" if u < 0.085 else "存续"


def _company(rng: random.Random, district: District, word: str, established: int,
             ) -> tuple[str, str]:
    """(name, entity type) of a company (91)."""
    u = rng.random()
    if established < _FACTORY_UNTIL and u < 0.25:
        entity = "集体所有制" if established < _COLLECTIVE_UNTIL and u < 0.08 else "个人独资企业"
        return names.company_name(rng, district, word, "厂"), entity
    if u > 0.97:
        return (names.company_name(rng, district, word, "股份有限公司"),
                "股份有限公司（非上市、自然人投资或控股）")
    return (names.company_name(rng, district, word, "有限公司"),
            _LIMITED_TYPES[rng.getrandbits(BITS)])


def _former_names(rng: random.Random, district: District, established: int,
                  word: str) -> str | None:
    """Former names, ';'-separated: the pre-2003 county-level city, or a renamed trade name."""
    if district.former_city and established < _DISTRICT_STATUS_DAY and rng.random() < 0.6:
        return district.former_city + names.trade_name(rng) + word + "厂"
    u = rng.random()
    if u >= 0.08:
        return None
    former = names.company_name(rng, district, word, "有限公司")
    if u < 0.015:
        former += ";" + names.company_name(rng, district, word, "厂")
    return former


def _identity(rng: random.Random, kind: str, district: District, sector: Sector,
              established: int) -> tuple[str, str, str | None]:
    """(name, entity type, former names)."""
    if kind == "92":
        return names.individual_name(rng, district, sector), "个体工商户", None
    if kind == "93":
        return names.cooperative_name(rng, district, sector), "农民专业合作社", None
    word = _WORDS[sector.key][rng.getrandbits(BITS)]
    name, entity = _company(rng, district, word, established)
    return name, entity, _former_names(rng, district, established, word)


def _kind(rng: random.Random, sector: Sector) -> str:
    if sector.cooperative:
        return "93"
    return "92" if rng.random() < sector.individual_share else "91"


def create(ctx: Context, index: int, codes: CodeMaker) -> Enterprise:
    """Draw enterprise `index` and append its registration row."""
    rng = ctx.rng
    risk = rng.random() ** 3
    district = _DISTRICTS[rng.getrandbits(BITS)]
    sector = _SECTORS[district.code][rng.getrandbits(BITS)]
    kind = _kind(rng, sector)
    # Most enterprises were registered after the 2014 registration reform.
    established = _LAST_ESTABLISHED - int(_ESTABLISHED_SPAN * rng.random() ** 1.7)
    name, entity, former = _identity(rng, kind, district, sector, established)
    at_city = kind == "91" and (entity in _CITY_REGISTERED or rng.random() < 0.08)
    uscc = codes.code(index, kind + (CITY_CODE if at_city else district.code),
                      established >= NEW_STYLE_FROM)
    status = _status(rng, risk, kind)
    ended = days.LAST_DAY
    if status not in OPERATING:
        ended = established + 180 + int(rng.random() * (days.LAST_DAY - established - 179))
        ended = ended if ended < days.LAST_DAY else days.LAST_DAY
    first = established + 30 if established + 30 > days.Y2019 else days.Y2019
    e = Enterprise(index, uscc, name, kind, district, sector, risk, established, status, ended,
                   CITY_BUREAU if at_city else district.bureau,
                   CITY_SHORT if at_city else district.short,
                   first, (ended - first) / _RECORD_SPAN if ended > first else 0.0)
    _append_registration(ctx, e, entity, former)
    return e


def _append_registration(ctx: Context, e: Enterprise, entity: str, former: str | None) -> None:
    rng = ctx.rng
    bits = rng.getrandbits
    changed = e.ended
    if e.status in OPERATING:
        start = e.established if e.established > days.Y2019 else days.Y2019
        changed = start + int(rng.random() * (days.LAST_DAY - start + 1))
    district = e.district
    personal = ctx.personal
    representative = names.PEOPLE[bits(names.PEOPLE_BITS)]
    capital = _CAPITALS[e.kind][bits(BITS)]
    address = (names.ADDRESS_HEADS[district.code][bits(BITS)]
               + names.STREETS[bits(names.STREET_BITS)])
    unit = names.UNITS[bits(BITS)]  # drawn even where a flat replaces it: later draws stay put
    ctx.out.registrations.append((
        _NBXH_BASE + e.index, e.uscc, e.name, former, representative,
        persons.identity_number(personal, district.code, e.established), capital,
        days.compact(e.established), e.status,
        address + (persons.home_unit(personal) if e.kind == "92" else unit),
        persons.contact_phone(personal, e.kind),
        _INDUSTRIES[e.sector.key][bits(BITS)], e.bureau, entity, district.code,
        days.stamp(rng, changed),
    ))
