"""Violations the demo's penalties are decided for, with the provisions they are punished under."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class Violation:
    """What an enterprise did wrong and the provision that punishes it."""

    text: str
    basis: str
    heavy: bool = False
    """Typically punished beyond a fine: suspension or licence revocation."""


FOOD = (
    Violation("生产致病性微生物、重金属等污染物质含量超过食品安全标准限量的食品",
              "《中华人民共和国食品安全法》第一百二十四条第一款第（一）项", heavy=True),
    Violation("超范围、超限量使用食品添加剂生产食品",
              "《中华人民共和国食品安全法》第一百二十四条第一款第（三）项", heavy=True),
    Violation("生产经营标签不符合规定的预包装食品",
              "《中华人民共和国食品安全法》第一百二十五条第一款第（二）项"),
    Violation("未按规定查验原料进货并保存进货查验记录",
              "《中华人民共和国食品安全法》第一百二十六条第一款第（三）项"),
    Violation("未取得食品生产许可从事食品生产活动",
              "《中华人民共和国食品安全法》第一百二十二条第一款", heavy=True),
    Violation("食品生产者未按规定对出厂食品进行检验",
              "《中华人民共和国食品安全法》第一百二十六条第一款第（二）项"),
)

QUALITY = (
    Violation("生产不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
              "《中华人民共和国产品质量法》第四十九条", heavy=True),
    Violation("在产品中以次充好、以不合格产品冒充合格产品",
              "《中华人民共和国产品质量法》第五十条"),
    Violation("产品标识不符合规定", "《中华人民共和国产品质量法》第五十四条"),
    Violation("未经强制性产品认证擅自出厂、销售列入目录的产品",
              "《中华人民共和国认证认可条例》第六十六条"),
    Violation("销售侵犯注册商标专用权的商品", "《中华人民共和国商标法》第六十条第二款"),
)

PACKAGING = (
    Violation("未取得工业产品生产许可证擅自生产列入目录的产品",
              "《中华人民共和国工业产品生产许可证管理条例》第四十五条", heavy=True),
    *QUALITY[:3],
)

SPECIAL_EQUIPMENT = (
    Violation("未经许可从事特种设备生产活动",
              "《中华人民共和国特种设备安全法》第七十四条", heavy=True),
    Violation("特种设备出厂时未按照安全技术规范的要求随附相关技术资料和文件",
              "《中华人民共和国特种设备安全法》第七十六条"),
    Violation("使用未经检验或者检验不合格的特种设备",
              "《中华人民共和国特种设备安全法》第八十四条第一款第（一）项", heavy=True),
    Violation("特种设备未按规定办理使用登记",
              "《中华人民共和国特种设备安全法》第八十三条第一款第（一）项"),
)

GENERAL = (
    Violation("不按规定明码标价", "《中华人民共和国价格法》第四十二条"),
    Violation("发布虚假广告", "《中华人民共和国广告法》第五十五条第一款"),
    Violation("未按规定办理变更登记", "《中华人民共和国市场主体登记管理条例》第四十六条"),
    Violation("使用未经检定或者检定不合格的计量器具", "《中华人民共和国计量法实施细则》第四十三条"),
    Violation("虚假宣传，欺骗、误导消费者", "《中华人民共和国反不正当竞争法》第二十条第一款"),
)

NOT_OPERATING = "成立后无正当理由超过六个月未开业，或者开业后自行停业连续六个月以上"
"""The ground for revoking a business licence under the Company Law."""

COMPANY_LAW_REVISION_DAY = "2024-07-01"
"""From this day the 2023 Company Law numbers the provision Art.260; before, Art.211."""


def not_operating_basis(decided_on_iso: str) -> str:
    """The Company Law provision in force on the decision day."""
    article = "第二百六十条" if decided_on_iso >= COMPANY_LAW_REVISION_DAY else "第二百一十一条"
    return f"《中华人民共和国公司法》{article}第一款"
