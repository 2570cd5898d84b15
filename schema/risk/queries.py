"""Root fields of risk classification, and the resolver of `Enterprise.riskAssessment`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Protocol

import strawberry

import schema.enums  # noqa: F401 (registers KeyArea)
from auth.roles import Scope
from gateway.records import KeyArea
from gateway.risk.store import class_distribution, load_assessment_at
from schema.context import Info
from schema.errors import BadUserInputError
from schema.permissions import require
from schema.risk.types import RiskAssessment, RiskDistribution

_DIVISION = re.compile(r"[0-9]{6}")


class Assessed(Protocol):
    @property
    def uscc(self) -> str: ...

    @property
    def as_of(self) -> dt.datetime | None: ...


async def resolve_risk_assessment(root: Assessed, info: Info) -> RiskAssessment | None:
    """The enterprise's current assessment, loaded for all enterprises of the request at
    once; for a profile as of a past instant, the assessment then in force. Null when it was
    not assessed (by then)."""
    if root.as_of is not None:  # enterprise(asOf:) is one enterprise: one query
        stored = await load_assessment_at(info.context.services.pool, str(root.uscc), root.as_of)
    else:
        stored = await info.context.loaders.risk_assessments.load(str(root.uscc))
    return None if stored is None else RiskAssessment.of(stored)


def division_scope(division: str) -> str:
    """The code prefix a GB/T 2260 division stands for: 440507 the district, 440500 all of
    Shantou, 440000 all of Guangdong. BAD_USER_INPUT unless six digits."""
    if not _DIVISION.fullmatch(division) or division.startswith("00"):
        raise BadUserInputError(f"division must be a six-digit GB/T 2260 code, got {division!r}")
    prefix = division
    while prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


async def resolve_risk_distribution(
    info: Info,
    division: Annotated[
        str | None,
        strawberry.argument(
            description="Six-digit GB/T 2260 division; a city or province code (ending 00) "
            "covers its districts. Null: everywhere."
        ),
    ] = None,
    key_area: Annotated[
        KeyArea | None,
        strawberry.argument(description="Only enterprises tagged with this key area."),
    ] = None,
) -> RiskDistribution:
    require(info, Scope.RISK_READ)
    prefix = None if division is None else division_scope(division)
    found = await class_distribution(info.context.services.pool, prefix, key_area)
    return RiskDistribution.of(found)


@strawberry.type
class RiskQuery:
    risk_distribution: RiskDistribution = strawberry.field(
        resolver=resolve_risk_distribution,
        description="Enterprises by current credit-risk class, with those not assessed yet. "
        "Internal: needs the risk:read scope.",
    )
