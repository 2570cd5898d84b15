"""The feeds of the demo department systems: their names, columns and key columns.

Column names are the pinyin initials such systems use (tyshxydm 统一社会信用代码, qymc 企业名称,
gxsj 更新时间, …). The generator emits each feed's rows as tuples in this column order.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class Feed:
    """One kind of row a department system keeps."""

    name: str
    columns: tuple[str, ...]
    id_column: str
    uscc_column: str = "tyshxydm"
    updated_column: str = "gxsj"

    def position(self, column: str) -> int:
        return self.columns.index(column)


REGISTRATIONS = Feed("djzc_qyjbxx", (
    "nbxh",      # 内部序号
    "tyshxydm",  # 统一社会信用代码
    "qymc",      # 企业名称
    "cym",       # 曾用名, ';'-separated
    "fddbr",     # 法定代表人 (经营者, 负责人)
    "fddbrzjhm",  # 法定代表人证件号码 (居民身份证号码)
    "zczb",      # 注册资本 (万元)
    "clrq",      # 成立日期 YYYYMMDD
    "djzt",      # 登记状态
    "zs",        # 住所 (an individual business's: often its operator's home)
    "lxdh",      # 联系电话 ('' when none was given)
    "hydm",      # 行业代码 GB/T 4754
    "djjg",      # 登记机关
    "qylx",      # 企业类型
    "xzqh",      # 行政区划
    "gxsj",      # 更新时间
), "nbxh")

LICENCES = Feed("xkxx", (
    "xkid", "tyshxydm", "qymc",
    "xkzbh",     # 许可证编号
    "xkzmc",     # 许可证名称
    "zdly",      # 重点领域
    "xkfw",      # 许可范围
    "fzjg",      # 发证机关
    "fzrq",      # 发证日期
    "yxqz",      # 有效期自
    "yxqzz",     # 有效期至
    "zt",        # 状态
    "gxsj",
), "xkid")

COMMITMENTS = Feed("xycn", (
    "cnid", "tyshxydm", "qymc",
    "cnlx",      # 承诺类型
    "cnnr",      # 承诺内容
    "cnrq",      # 承诺日期
    "hczt",      # 核查状态
    "hcrq",      # 核查日期
    "gxsj",
), "cnid")

INSPECTIONS = Feed("ccjc", (
    "jcid", "tyshxydm", "qymc",
    "jcbh",      # 检查编号
    "jclx",      # 检查类型
    "jcrq",      # 检查日期
    "ssjg",      # 实施机关
    "jcjg",      # 检查结果
    "jgsm",      # 结果说明
    "zdly",
    "gxsj",
), "jcid")

SAMPLINGS = Feed("jdcj", (
    "cjid", "tyshxydm",
    "qymc",      # 标称生产企业名称
    "ypbh",      # 样品编号
    "ypmc",      # 样品名称
    "ggxh",      # 规格型号
    "scrq",      # 生产日期
    "cyrq",      # 抽样日期
    "zzjg",      # 组织抽检机关
    "jyjg",      # 检验机构
    "jyjl",      # 检验结论
    "bhgxm",     # 不合格项目
    "zdly",
    "gxsj",
), "cjid")

PENALTIES = Feed("xzcf", (
    "cfid", "tyshxydm",
    "dsrmc",     # 当事人名称
    "cfjdswh",   # 处罚决定书文号
    "cfjdrq",    # 处罚决定日期
    "cfjg",      # 处罚机关
    "wfxw",      # 违法行为
    "cfzl",      # 处罚种类, ';'-separated
    "cfyj",      # 处罚依据
    "fkje",      # 罚款金额 (元)
    "mswfsd",    # 没收违法所得、没收非法财物金额 (元)
    "cfcx",      # 处罚程序
    "zdly",
    "lxrq",      # 履行日期
    "gxsj",
), "cfid")

LISTINGS = Feed("mdxx", (
    "mdid", "tyshxydm", "qymc",
    "mdlx",      # 名单类型
    "lryy",      # 列入原因
    "lrrq",      # 列入日期
    "zcjg",      # 作出决定机关
    "lrjdswh",   # 列入决定书文号
    "yjycrq",    # 预计移出日期 (严重违法失信名单)
    "ycrq",      # 移出日期
    "ycyy",      # 移出原因
    "gxsj",
), "mdid")

HTTP_FEEDS = (LICENCES, COMMITMENTS, INSPECTIONS, SAMPLINGS)
"""Feeds served by the demo HTTP systems (licensing: licences, commitments; inspection:
inspections, samplings)."""
