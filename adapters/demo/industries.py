"""The trades of Shantou's enterprises in the demo: name words, GB/T 4754 codes, licences.

Each sector says where it clusters (toys in Chenghai, textiles and underwear in Chaonan and
Chaoyang, seafood on the coast), which industry codes it registers, which licence its
producers hold and which violations its penalties are for.
"""

from __future__ import annotations

import dataclasses

from adapters.demo import violations as v
from adapters.demo.violations import Violation
from gateway.records import KeyArea


@dataclasses.dataclass(frozen=True, slots=True)
class Sector:
    """One trade: how its enterprises are named, coded, licensed and punished."""

    key: str
    words: tuple[str, ...]
    """Trade words in enterprise names (宏达 + 玩具 + 有限公司)."""
    industries: tuple[str, ...]
    weight: float
    affinity: dict[str, float] = dataclasses.field(default_factory=dict)
    """District code → how much more common the trade is there (default 1)."""
    key_area: KeyArea | None = None
    licence: str | None = None
    """Licence family its producers hold: SC, TS, XK or JY (see licences.py)."""
    categories: tuple[tuple[str, str], ...] = ()
    """SC: (3-digit category, licensed scope); TS: (7-digit prefix, scope)."""
    products: tuple[str, ...] = ()
    """What product sampling takes from it; empty when it is not sampled."""
    violations: tuple[Violation, ...] = v.GENERAL
    shops: tuple[str, ...] = ("商行", "经营部")
    """Name endings of its individual businesses (个体工商户)."""
    individual_share: float = 0.05
    cooperative: bool = False


_COAST = {"440512": 4.0, "440523": 8.0, "440515": 1.5}
_TEXTILE = {"440513": 4.0, "440514": 5.0, "440515": 0.5, "440523": 0.2}

SECTORS: tuple[Sector, ...] = (
    Sector("toys", ("玩具", "塑胶玩具", "玩具实业", "智能玩具", "工艺玩具"),
           ("C2452", "C2451", "C2459"), 10, {"440515": 9.0, "440507": 1.5, "440523": 0.1},
           products=("塑胶玩具", "电动玩具", "童车", "毛绒玩具"), violations=v.QUALITY,
           shops=("玩具商行", "玩具厂")),
    Sector("textiles", ("纺织", "织造", "针织", "纺织品"), ("C1711", "C1712", "C1761"), 5,
           _TEXTILE, products=("针织面料",), violations=v.QUALITY, shops=("织造厂", "纺织品商行")),
    Sector("garments", ("服装", "服饰", "制衣"), ("C1810", "C1820"), 7, _TEXTILE,
           products=("休闲服装", "童装"), violations=v.QUALITY, shops=("服装店", "制衣厂")),
    Sector("underwear", ("内衣", "针织内衣", "文胸"), ("C1820", "C1810"), 5,
           {"440514": 8.0, "440513": 4.0, "440523": 0.1}, products=("内衣", "文胸"),
           violations=v.QUALITY, shops=("内衣厂", "内衣商行")),
    Sector("food", ("食品", "糖果", "饼食", "粿品"),
           ("C1421", "C1431", "C1391", "C1392", "C1399"), 5,
           key_area=KeyArea.FOOD_PRODUCTION, licence="SC",
           categories=(("113", "糖果制品（糖果）"), ("107", "方便食品（其他方便食品）"),
                       ("124", "糕点（热加工糕点）"), ("125", "豆制品（非发酵性豆制品）"),
                       ("117", "水果制品（蜜饯）")),
           products=("奶糖", "腐乳", "酥饼", "老香黄", "橄榄菜"), violations=v.FOOD,
           shops=("食品店", "粿品店")),
    Sector("seafood", ("水产", "海产品", "冷冻食品", "水产食品"), ("C1361", "C1362", "C1369"), 2.5,
           _COAST, key_area=KeyArea.FOOD_PRODUCTION, licence="SC",
           categories=(("122", "水产制品（干制水产品）"), ("122", "水产制品（鱼糜制品）"),
                       ("111", "速冻食品（速冻其他食品）")),
           products=("鱼丸", "虾干", "鱿鱼干", "紫菜"), violations=v.FOOD,
           shops=("海产品商行", "水产店"), individual_share=0.2),
    Sector("meat", ("肉制品", "牛肉丸", "食品"), ("C1353",), 1.5,
           key_area=KeyArea.FOOD_PRODUCTION, licence="SC",
           categories=(("104", "肉制品（热加工熟肉制品）"),), products=("牛肉丸", "猪肉丸", "卤鹅"),
           violations=v.FOOD, shops=("牛肉丸店", "卤味店"), individual_share=0.3),
    Sector("tea", ("茶业", "茶叶", "茶业发展"), ("C1530",), 2,
           key_area=KeyArea.FOOD_PRODUCTION, licence="SC",
           categories=(("114", "茶叶及相关制品（茶叶）"),), products=("单丛茶", "乌龙茶"),
           violations=v.FOOD, shops=("茶行", "茶庄"), individual_share=0.3),
    Sector("health_food", ("保健食品", "生物科技", "营养食品"), ("C1492", "C1491"), 0.3,
           key_area=KeyArea.SPECIAL_FOOD, licence="SC",
           categories=(("127", "保健食品（片剂）"), ("128", "特殊医学用途配方食品"),
                       ("129", "婴幼儿配方食品（婴幼儿配方乳粉）")),
           products=("保健食品（片剂）", "营养补充剂"), violations=v.FOOD),
    Sector("additives", ("食品添加剂", "香精香料", "生物工程"), ("C1495",), 0.3,
           key_area=KeyArea.FOOD_ADDITIVE_PRODUCTION, licence="SC",
           categories=(("201", "食品添加剂（食品用香精）"),
                       ("201", "食品添加剂（复配食品添加剂）")),
           products=("食品用香精", "复配食品添加剂"), violations=v.FOOD),
    Sector("packaging", ("包装", "包装材料", "彩印包装", "纸品"), ("C2231", "C2926"), 4,
           {"440513": 2.0, "440507": 1.5, "440511": 1.5}, licence="XK",
           categories=(("", "食品用塑料包装容器工具等制品"), ("", "食品用纸包装、容器等制品")),
           products=("食品用塑料包装袋", "纸杯"), violations=v.PACKAGING),
    Sector("printing", ("印刷", "彩印", "印务"), ("C2319", "C2311"), 2,
           {"440513": 2.0, "440507": 1.5, "440511": 1.5}, violations=v.GENERAL,
           shops=("印刷厂", "广告印刷部")),
    Sector("plastics", ("塑料", "塑胶制品", "塑料制品", "新材料"), ("C2929", "C2927"), 5,
           {"440515": 2.5, "440507": 1.5}, products=("塑料日用品",), violations=v.QUALITY),
    Sector("crafts", ("工艺", "工艺品", "抽纱"), ("C2439", "C2431"), 3,
           {"440513": 2.0, "440515": 2.0}, violations=v.QUALITY, shops=("工艺品店", "抽纱厂")),
    Sector("electronics", ("电子", "电器", "电子科技"), ("C3990", "C3874"), 3,
           {"440513": 2.0, "440507": 1.5}, products=("电源适配器", "LED灯具"),
           violations=v.QUALITY),
    Sector("boilers", ("锅炉", "热能设备", "压力容器"), ("C3411", "C3462"), 0.3,
           key_area=KeyArea.SPECIAL_EQUIPMENT_PRODUCTION, licence="TS",
           categories=(("2144", "锅炉制造（B级）"), ("2244", "压力容器制造（D级）")),
           violations=v.SPECIAL_EQUIPMENT),
    Sector("elevators", ("电梯", "机电设备", "起重机械"), ("C3435", "C3432"), 0.3,
           {"440507": 2.0, "440511": 2.0}, key_area=KeyArea.SPECIAL_EQUIPMENT_PRODUCTION,
           licence="TS", categories=(("3144", "电梯安装（含修理）"), ("4144", "起重机械制造")),
           violations=v.SPECIAL_EQUIPMENT),
    Sector("trade", ("贸易", "商贸", "进出口", "实业", "供应链"), ("F5199", "F5137", "F5179"), 20,
           {"440507": 1.5, "440511": 1.5}, licence="JY", categories=(("1", "预包装食品销售"),),
           shops=("商行", "经营部", "贸易商行", "百货店"), individual_share=0.35),
    Sector("catering", ("餐饮", "饮食", "餐饮管理"), ("H6210", "H6220"), 8,
           {"440507": 1.5, "440511": 1.8}, licence="JY", categories=(("2", "热食类食品制售"),),
           shops=("牛肉火锅店", "粿条店", "小吃店", "餐馆", "砂锅粥店"), individual_share=0.7),
    Sector("services", ("信息科技", "网络科技", "科技", "企业管理咨询", "文化传播"),
           ("I6510", "I6450", "L7243", "R8610"), 9, {"440507": 2.5, "440511": 1.8},
           shops=("信息咨询部", "工作室")),
    Sector("agriculture", ("果蔬", "水产养殖", "茶叶种植", "荔枝种植", "家禽养殖"),
           ("A0141", "A0411", "A0164", "A0151", "A0321"), 2,
           {"440513": 2.0, "440514": 2.0, "440523": 3.0, "440507": 0.2, "440511": 0.1},
           cooperative=True),
)
