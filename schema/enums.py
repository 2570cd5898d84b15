"""The contract's enums, served straight from the canonical Python enums.

Registering the canonical classes (instead of copying them) means records need no conversion
on the way out, and a value added to a record enum appears in the schema at once (which the
contract allows: enum values may be added).
"""

from __future__ import annotations

import enum

import strawberry

from gateway import records
from gateway.archive.status import SourceState
from gateway.rules.publicity import PublicityState
from gateway.rules.severity import Severity
from gateway.rules.verification import FindingEffect, Purpose, Verdict

_DESCRIPTIONS: dict[enum.EnumMeta, str] = {
    records.EnterpriseStatus: "Registration status of an enterprise.",
    records.KeyArea: "Key supervision area (重点领域) of an enterprise, licence or record.",
    records.LicenseStatus: "Whether a licence is in force, and if not, why.",
    records.PenaltyMeasure: "A measure an administrative penalty decision imposes.",
    records.PenaltyProcedure: "The procedure a penalty was decided under; only ORDINARY ones "
    "are published.",
    records.InspectionKind: "How an inspection came about.",
    records.InspectionResult: "What an inspection or product sampling found.",
    records.ListKind: "The two credit lists: abnormal operations (经营异常名录) and serious "
    "illegal and dishonest (严重违法失信名单).",
    records.CommitmentStatus: "Where the check of a credit commitment stands.",
    records.RecordKind: "The kinds of record the archive keeps.",
    Purpose: "What the deciding system will use a verification for.",
    Verdict: "CLEAR: nothing found. CAUTION: findings to weigh, no legal bar. RESTRICTED: a rule "
    "bars this use. INDETERMINATE: a needed source was too stale to decide. NOT_FOUND: no "
    "source knows the code.",
    FindingEffect: "What a finding does to the verdict.",
    Severity: "Severity tier of a penalty (SAMR Order 107), under the rules in force today.",
    PublicityState: "Whether a record is under publicity today.",
    SourceState: "Sync health of a source: HEALTHY (last sync succeeded, on schedule), "
    "DEGRADED (failing or late, data still within its max age), DOWN (never synced, or data "
    "older than its max age).",
}


_NAMES: dict[enum.EnumMeta, str] = {Purpose: "VerificationPurpose"}
"""Enums whose contract name differs from the Python class name."""


def register() -> None:
    """Make the canonical enums strawberry enums (idempotent)."""
    for cls, description in _DESCRIPTIONS.items():
        if not hasattr(cls, "_enum_definition"):
            strawberry.enum(cls, name=_NAMES.get(cls), description=description)


register()
