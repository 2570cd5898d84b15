"""Shantou reference data for the demo: districts, their towns and market-regulation bureaus."""

from __future__ import annotations

import dataclasses

CITY_CODE = "440500"
CITY_BUREAU = "汕头市市场监督管理局"
CITY_SHORT = "汕"
"""Prefix of the city bureau's document numbers, e.g. 汕市监罚〔2025〕123号."""


@dataclasses.dataclass(frozen=True, slots=True)
class District:
    """A county-level division of Shantou (GB/T 2260) and its market-regulation bureau."""

    code: str
    name: str
    short: str
    """Prefix of the district bureau's document numbers, e.g. 汕澄 in 汕澄市监罚〔2024〕45号."""
    towns: tuple[str, ...]
    weight: int
    """Relative number of enterprises registered here."""
    former_city: str | None = None
    """The county-level city this district was before 2003, as old names still show."""
    bureau: str = ""
    """Its market-regulation bureau (filled in from the name)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "bureau", f"汕头市{self.name}市场监督管理局")


LONGHU = District("440507", "龙湖区", "汕龙", (
    "金霞街道", "珠池街道", "新津街道", "鸥汀街道", "龙祥街道", "外砂街道", "新溪街道",
), 15)
JINPING = District("440511", "金平区", "汕金", (
    "石炮台街道", "金厦街道", "东方街道", "大华街道", "岐山街道", "月浦街道", "鮀江街道",
    "光华街道",
), 14)
HAOJIANG = District("440512", "濠江区", "汕濠", (
    "达濠街道", "马滘街道", "广澳街道", "滨海街道", "玉新街道", "河浦街道", "礐石街道",
), 6)
CHAOYANG = District("440513", "潮阳区", "汕潮阳", (
    "文光街道", "棉北街道", "城南街道", "谷饶镇", "贵屿镇", "铜盂镇", "和平镇", "海门镇",
    "关埠镇", "西胪镇", "河溪镇", "金灶镇",
), 20, "潮阳市")
CHAONAN = District("440514", "潮南区", "汕潮南", (
    "峡山街道", "陈店镇", "两英镇", "司马浦镇", "仙城镇", "井都镇", "胪岗镇", "成田镇",
    "红场镇", "雷岭镇", "陇田镇",
), 20)
CHENGHAI = District("440515", "澄海区", "汕澄", (
    "澄华街道", "广益街道", "凤翔街道", "莲上镇", "莲下镇", "东里镇", "盐鸿镇", "溪南镇",
    "莲华镇", "上华镇", "隆都镇",
), 22, "澄海市")
NANAO = District("440523", "南澳县", "汕南澳", ("后宅镇", "云澳镇", "深澳镇"), 3)

DISTRICTS: tuple[District, ...] = (LONGHU, JINPING, HAOJIANG, CHAOYANG, CHAONAN, CHENGHAI, NANAO)

ROADS = (
    "工业大道", "中山路", "长平路", "金砂路", "黄河路", "泰山路", "天山路", "嵩山路",
    "华山路", "韩江路", "榕江路", "汕樟路", "护堤路", "潮汕路", "东海岸大道", "中阳大道",
    "兴业路", "振兴路", "新风路", "环城路", "人民路", "沿江路", "创业路", "玩具城路",
    "纺织路", "南环路", "北环路", "岭海路", "华侨路", "工业区一路", "工业区二路",
)
