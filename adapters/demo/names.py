"""Chinese names for the demo: enterprises (current and former), people, addresses.

Names are assembled from pools built once from a fixed seed (people, trade names, streets),
so drawing one is a table lookup; the pools are large enough that a million enterprises read
as varied as a real register.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from adapters.demo.draws import BITS, table
from adapters.demo.industries import Sector
from adapters.demo.places import DISTRICTS, ROADS, District

TRADE_NAME_CHARACTERS = (
    "宏达鸿盛泰信华兴隆发利源丰顺嘉恒创美乐佳金银海潮汕奥星锦荣昌永福祥富裕德和安康宇腾飞"
    "龙凯俊新升辉明光科益展旺众联瑞骏彩艺通宝威豪雅诚鑫东南粤汇广远成晟锋志"
)
_SURNAMES = table(
    "陈林黄李吴蔡郑许张杨王刘谢洪佘翁马纪姚方庄詹余魏周柯邱肖苏赖郭罗曾沈钟",
    [12, 10, 6, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1.5, 1.5, 1.5, 1, 1, 1, 1.5, 1, 1, 1, 1, 1,
     1, 1, 1, 1, 1.5, 1, 1, 1, 1],
)
_GIVEN = ("伟俊海明华强建国文志勇杰辉鹏少锐泽楷鸿佳丽娜敏燕玲"
          "芳婷秀琼锦丹宏雄标生松坤瑞浩展洁静晓旭彬銮纯")

PEOPLE_BITS = 14
TRADE_BITS = 13
STREET_BITS = 13


def _pool(name: str, bits: int, make: Callable[[random.Random], str]) -> tuple[str, ...]:
    rng = random.Random(f"credit-gateway-demo:{name}")  # noqa: S311 (synthetic data)
    return tuple(make(rng) for _ in range(1 << bits))


def _person(rng: random.Random) -> str:
    name = _SURNAMES[rng.getrandbits(BITS)] + rng.choice(_GIVEN)
    return name + rng.choice(_GIVEN) if rng.random() < 0.8 else name


def _trade_name(rng: random.Random) -> str:
    size = 3 if rng.random() < 0.12 else 2
    return "".join(rng.choice(TRADE_NAME_CHARACTERS) for _ in range(size))


def _street(rng: random.Random) -> str:
    return f"{rng.choice(ROADS)}{rng.randint(1, 300)}号"


PEOPLE: tuple[str, ...] = _pool("people", PEOPLE_BITS, _person)
"""Names of people with surnames common in Chaoshan: PEOPLE[rng.getrandbits(PEOPLE_BITS)]."""
TRADE_NAMES: tuple[str, ...] = _pool("trade-names", TRADE_BITS, _trade_name)
"""Distinctive parts of names (字号), two or three characters."""
STREETS: tuple[str, ...] = _pool("streets", STREET_BITS, _street)

PLACE_PREFIXES = {d.code: table(("汕头市" + d.name, "汕头市", "广东", "汕头"), (60, 25, 10, 5))
                  for d in DISTRICTS}
"""The place part of a company name, per district: 汕头市澄海区, 汕头市, 广东 or 汕头."""
ADDRESS_HEADS = {d.code: table(tuple(f"广东省汕头市{d.name}{town}" for town in d.towns))
                 for d in DISTRICTS}
UNITS = table(("", "之一", "之二", "首层", "二楼", "三楼", "201房", "302房"),
              (60, 6, 4, 6, 8, 6, 5, 5))
NICKNAMES = table(tuple("阿" + c for c in _GIVEN))


def person(rng: random.Random) -> str:
    return PEOPLE[rng.getrandbits(PEOPLE_BITS)]


def trade_name(rng: random.Random) -> str:
    return TRADE_NAMES[rng.getrandbits(TRADE_BITS)]


def address(rng: random.Random, district: District) -> str:
    """A registered address in the district."""
    bits = rng.getrandbits
    return (ADDRESS_HEADS[district.code][bits(BITS)] + STREETS[bits(STREET_BITS)]
            + UNITS[bits(BITS)])


def individual_name(rng: random.Random, district: District, sector: Sector) -> str:
    """An individual business (个体工商户), e.g. 汕头市龙湖区阿强牛肉火锅店."""
    bits = rng.getrandbits
    label = NICKNAMES[bits(BITS)] if rng.random() < 0.2 else TRADE_NAMES[bits(TRADE_BITS)]
    return "汕头市" + district.name + label + sector.shops[bits(BITS) % len(sector.shops)]


def cooperative_name(rng: random.Random, district: District, sector: Sector) -> str:
    """A farmers' cooperative, e.g. 汕头市潮南区丰源荔枝种植专业合作社."""
    bits = rng.getrandbits
    word = sector.words[bits(BITS) % len(sector.words)]
    return "汕头市" + district.name + TRADE_NAMES[bits(TRADE_BITS)] + word + "专业合作社"


def company_name(rng: random.Random, district: District, word: str, form: str) -> str:
    """A company name: place, trade name, trade word and form, e.g. 汕头市澄海区宏达玩具有限公司."""
    bits = rng.getrandbits
    return PLACE_PREFIXES[district.code][bits(BITS)] + TRADE_NAMES[bits(TRADE_BITS)] + word + form
