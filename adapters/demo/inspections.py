"""Inspections (双随机抽查, 定向抽查, 日常监督检查) and product sampling (监督抽检) results.

Key-area producers are inspected more often; the enterprise's risk raises the share of
negative results and of unqualified samples.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.demo import days
from adapters.demo.context import Context, Enterprise
from adapters.demo.draws import BITS, poisson, table
from adapters.demo.labels import INSPECTION_RESULT_LABEL, KEY_AREA_LABEL
from adapters.demo.layout import INSPECTIONS, SAMPLINGS
from adapters.demo.licences import PROVINCE_BUREAU
from adapters.demo.places import CITY_BUREAU
from gateway.records import InspectionResult as R

_NEGATIVE = table(
    (R.CORRECTED_ON_ORDER, R.PROBLEM_PENDING, R.RULE_VIOLATION, R.UNREACHABLE,
     R.INFO_NOT_DISCLOSED, R.INFO_FALSE, R.REFUSED_INSPECTION, R.NO_RELEVANT_ACTIVITY),
    (30, 10, 15, 20, 12, 4, 3, 6),
)
_PROBLEMS = ("未在经营场所醒目位置公示营业执照", "进货查验记录不完整", "从业人员健康证明过期",
             "产品标识不规范", "未明码标价", "生产记录不完整")
_AFTER_END = {"吊销": R.REVOKED, "迁出": R.MOVED_OUT, "停业": R.CLOSED, "歇业": R.CLOSED,
              "注销": R.DEREGISTERED}
_FAILED_ITEMS = {
    "toys": ("增塑剂（邻苯二甲酸酯）", "小零件", "可触及的锐利边缘", "标识和使用说明"),
    "textiles": ("纤维含量", "甲醛含量", "pH值", "耐水色牢度"),
    "electronics": ("输入功率和电流", "发热", "标志和说明"),
    "plastics": ("总迁移量", "高锰酸钾消耗量", "脱色试验"),
}
_FAILED_ITEMS |= {"garments": _FAILED_ITEMS["textiles"], "underwear": _FAILED_ITEMS["textiles"],
                  "packaging": _FAILED_ITEMS["plastics"]}
_FOOD_FAILED_ITEMS = ("菌落总数", "大肠菌群", "苯甲酸及其钠盐（以苯甲酸计）", "铅（以Pb计）",
                      "过氧化值（以脂肪计）", "山梨酸及其钾盐（以山梨酸计）", "二氧化硫残留量")
_FOOD_SPECS = ("500g/袋", "250g/盒", "散装称重", "400g/罐", "1kg/袋")


def generate(ctx: Context, e: Enterprise) -> Sequence[int]:
    """Append the enterprise's inspections and samplings; returns the days of unqualified
    samples (a penalty often follows them)."""
    first, last = e.first, e.ended
    keyed = e.sector.key_area is not None
    count = poisson(ctx.rng, (0.3 + 0.7 * keyed + 0.8 * e.risk) * e.share) if e.share else 0
    if count == 0 and e.forced == INSPECTIONS.name:
        count = 1
    for k in range(count):
        _inspection(ctx, e, k, days.between(ctx.rng, first, last), None)
    if e.status in _AFTER_END:
        _after_end(ctx, e, count)
    if not e.sector.products and e.forced != SAMPLINGS.name:
        return ()
    return _samplings(ctx, e, first, last, e.share)


def _after_end(ctx: Context, e: Enterprise, k: int) -> None:
    """A random check that finds the enterprise revoked, moved out or closed."""
    result = _AFTER_END.get(e.status)
    share = 0.05 if e.status == "注销" else 0.5
    if result is None or not days.Y2019 <= e.ended < days.LAST_DAY - 30:
        return
    if ctx.rng.random() < share:
        _inspection(ctx, e, k, days.between(ctx.rng, e.ended + 30, days.LAST_DAY), result)


def _kind(ctx: Context, e: Enterprise) -> str:
    u = ctx.rng.random()
    if u < 0.1 + 0.3 * e.risk:
        return "定向抽查"
    if e.sector.key_area is not None and u < 0.6:
        return "日常监督检查"
    return "双随机抽查"


_DETAILS = {
    R.CORRECTED_ON_ORDER: "现场检查发现{problem}，已责令当场改正",
    R.PROBLEM_PENDING: "发现{problem}，已责令限期改正，待复查",
    R.RULE_VIOLATION: "发现涉嫌{violation}，已移交执法稽查部门立案调查",
    R.UNREACHABLE: "两次邮寄专用信函均被退回，无法通过登记的住所或者经营场所取得联系",
    R.INFO_NOT_DISCLOSED: "未按规定公示{last_year}年度报告",
    R.INFO_FALSE: "年度报告公示的从业人数、资产状况等信息与实际不符",
    R.REFUSED_INSPECTION: "拒绝检查人员进入经营场所，拒不提供有关材料",
}


def _result(ctx: Context, e: Enterprise, day: int) -> tuple[R, str | None]:
    rng = ctx.rng
    if rng.random() >= 0.06 + 0.5 * e.risk:
        return R.NO_PROBLEM, None
    result = _NEGATIVE[rng.getrandbits(BITS)]
    template = _DETAILS.get(result)
    if template is None:
        return result, None
    violations = e.sector.violations
    return result, template.format(
        problem=_PROBLEMS[rng.getrandbits(BITS) % len(_PROBLEMS)],
        violation=violations[rng.getrandbits(BITS) % len(violations)].text,
        last_year=days.year(day) - 1)


def _inspection(ctx: Context, e: Enterprise, k: int, day: int, result: R | None) -> None:
    rng = ctx.rng
    kind = "双随机抽查" if result is not None else _kind(ctx, e)
    detail = None
    if result is None:
        result, detail = _result(ctx, e, day)
    area = e.sector.key_area
    sequence = ctx.numbering.next(("jc", e.district.code))
    reference = f"{e.district.code}{days.year(day)}{sequence:07d}"
    e.inspected += 1
    ctx.out.inspections.append((
        f"JC{e.index:07d}{k:02d}", e.uscc, e.name, reference, kind, days.iso(day),
        CITY_BUREAU if rng.random() < 0.15 else e.district.bureau,
        INSPECTION_RESULT_LABEL[result], detail, KEY_AREA_LABEL[area] if area else None,
        days.updated(rng, day),
    ))


def _samplings(ctx: Context, e: Enterprise, first: int, last: int, share: float) -> list[int]:
    products = e.sector.products
    count = 0
    if products and share:
        count = poisson(ctx.rng, (0.25 + 0.6 * (e.sector.key_area is not None)) * share)
    if count == 0 and e.forced == SAMPLINGS.name:
        count = 1
    failed = []
    for k in range(count):
        day = days.between(ctx.rng, first, last)
        if _sampling(ctx, e, k, day, products or ("塑料日用品",)):
            failed.append(day)
    return failed


def _sampling(ctx: Context, e: Enterprise, k: int, day: int, products: tuple[str, ...]) -> bool:
    rng = ctx.rng
    food = e.sector.key_area is not None
    county = e.district.code[4:]
    yy = days.iso(day)[2:4]
    sequence = ctx.numbering.next(("cj", county))
    number = f"{'DBJ' if food else 'GDZL'}{yy}4405{county}{sequence:07d}"
    failed = rng.random() < 0.03 + 0.3 * e.risk
    items = _FAILED_ITEMS.get(e.sector.key, _FOOD_FAILED_ITEMS)
    area = e.sector.key_area
    e.inspected += 1
    ctx.out.samplings.append((
        f"CJ{e.index:07d}{k:02d}", e.uscc, e.name, number,
        products[int(rng.random() * len(products))],
        _FOOD_SPECS[int(rng.random() * len(_FOOD_SPECS))] if food else f"{sequence % 90 + 10}型",
        days.iso(day - 1 - int(rng.random() * 120)), days.iso(day),
        PROVINCE_BUREAU if rng.random() < 0.3 else CITY_BUREAU,
        "广东省食品检验所" if food else "汕头市质量计量监督检测所",
        "不合格" if failed else "合格", items[int(rng.random() * len(items))] if failed else None,
        KEY_AREA_LABEL[area] if area else None, days.updated(rng, day),
    ))
    return failed
