"""The value lists of the demo department systems: Chinese labels and their canonical values.

The example configuration (adapters/examples/sources.toml) maps exactly these labels; a
test keeps the two in step.
"""

from __future__ import annotations

from gateway.records import (
    CommitmentStatus,
    EnterpriseStatus,
    InspectionKind,
    InspectionResult,
    KeyArea,
    LicenseStatus,
    ListKind,
    PenaltyMeasure,
    PenaltyProcedure,
)

ENTERPRISE_STATUS = {
    "存续": EnterpriseStatus.OPERATING,
    "在业": EnterpriseStatus.OPERATING,
    "停业": EnterpriseStatus.SUSPENDED,
    "歇业": EnterpriseStatus.SUSPENDED,
    "吊销": EnterpriseStatus.REVOKED,
    "注销": EnterpriseStatus.DEREGISTERED,
    "迁出": EnterpriseStatus.MOVED_OUT,
}

KEY_AREA = {
    "食品生产": KeyArea.FOOD_PRODUCTION,
    "食品添加剂生产": KeyArea.FOOD_ADDITIVE_PRODUCTION,
    "特殊食品生产": KeyArea.SPECIAL_FOOD,
    "特种设备生产": KeyArea.SPECIAL_EQUIPMENT_PRODUCTION,
}
KEY_AREA_LABEL = {area: label for label, area in KEY_AREA.items()}

LICENCE_STATUS = {
    "有效": LicenseStatus.VALID,
    "过期": LicenseStatus.EXPIRED,
    "暂停": LicenseStatus.SUSPENDED,
    "吊销": LicenseStatus.REVOKED,
    "撤回": LicenseStatus.WITHDRAWN,
    "注销": LicenseStatus.CANCELLED,
}

PENALTY_MEASURE = {
    "警告": PenaltyMeasure.WARNING,
    "通报批评": PenaltyMeasure.CIRCULATED_CRITICISM,
    "罚款": PenaltyMeasure.FINE,
    "没收违法所得": PenaltyMeasure.CONFISCATION,
    "没收非法财物": PenaltyMeasure.CONFISCATION,
    "限制开展生产经营活动": PenaltyMeasure.RESTRICTION,
    "责令停产停业": PenaltyMeasure.SUSPENSION,
    "吊销许可证件": PenaltyMeasure.LICENSE_REVOCATION,
    "吊销营业执照": PenaltyMeasure.BUSINESS_LICENSE_REVOCATION,
    "降低资质等级": PenaltyMeasure.DOWNGRADE,
    "责令关闭": PenaltyMeasure.CLOSURE,
    "限制从业": PenaltyMeasure.OCCUPATIONAL_BAN,
}

PENALTY_PROCEDURE = {"简易程序": PenaltyProcedure.SIMPLE, "普通程序": PenaltyProcedure.ORDINARY}

INSPECTION_KIND = {
    "双随机抽查": InspectionKind.RANDOM,
    "定向抽查": InspectionKind.TARGETED,
    "日常监督检查": InspectionKind.ROUTINE,
}

INSPECTION_RESULT = {
    "未发现问题": InspectionResult.NO_PROBLEM,
    "发现问题已责令改正": InspectionResult.CORRECTED_ON_ORDER,
    "发现问题待后续处理": InspectionResult.PROBLEM_PENDING,
    "违反食品药品、质量或其他规定": InspectionResult.RULE_VIOLATION,
    "通过登记的住所（经营场所）无法联系": InspectionResult.UNREACHABLE,
    "未按规定公示应当公示的信息": InspectionResult.INFO_NOT_DISCLOSED,
    "公示信息隐瞒真实情况、弄虚作假": InspectionResult.INFO_FALSE,
    "不配合检查情节严重": InspectionResult.REFUSED_INSPECTION,
    "未发现开展本次抽查涉及的经营活动": InspectionResult.NO_RELEVANT_ACTIVITY,
    "已关闭停业或正在组织清算": InspectionResult.CLOSED,
    "已注销": InspectionResult.DEREGISTERED,
    "已吊销": InspectionResult.REVOKED,
    "已迁出": InspectionResult.MOVED_OUT,
}
INSPECTION_RESULT_LABEL = {result: label for label, result in INSPECTION_RESULT.items()}

SAMPLING_RESULT = {"合格": InspectionResult.SAMPLE_QUALIFIED,
                   "不合格": InspectionResult.SAMPLE_UNQUALIFIED}

LIST_KIND = {"经营异常名录": ListKind.ABNORMAL_OPERATIONS,
             "严重违法失信名单": ListKind.SERIOUS_DISHONESTY}

COMMITMENT_STATUS = {
    "履约中": CommitmentStatus.IN_FORCE,
    "已履约": CommitmentStatus.FULFILLED,
    "违诺": CommitmentStatus.BREACHED,
}
