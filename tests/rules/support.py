"""Records for rule tests: a penalty or inspection with only the fields a row cares about."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gateway.records import (
    Inspection,
    InspectionKind,
    InspectionResult,
    KeyArea,
    Penalty,
    PenaltyMeasure,
    PenaltyProcedure,
)
from gateway.uscc import make

ENTITY = make("91440507MA5A0001X")  # authority 9, type 1: an enterprise
INDIVIDUAL = make("92440507MA5A00025")  # authority 9, type 2: an individual business
D = dt.date
M = PenaltyMeasure
DECIDED = D(2026, 1, 12)


def penalty(
    *measures: PenaltyMeasure,
    fine: str | None = None,
    decided: dt.date = DECIDED,
    procedure: PenaltyProcedure = PenaltyProcedure.ORDINARY,
    key_area: KeyArea | None = None,
    violation: str = "发布虚假广告",
    basis: str | None = "《中华人民共和国广告法》第五十五条",
    uscc: str = ENTITY,
) -> Penalty:
    return Penalty(
        uscc=uscc,
        decision_number="汕龙市监罚〔2026〕7号",
        decided_on=decided,
        authority="汕头市龙湖区市场监督管理局",
        violation=violation,
        measures=measures,
        procedure=procedure,
        legal_basis=basis,
        fine_amount=None if fine is None else Decimal(fine),
        key_area=key_area,
    )


def inspection(result: InspectionResult, inspected: dt.date = DECIDED) -> Inspection:
    return Inspection(
        uscc=ENTITY,
        reference="SJ-2026-0113",
        kind=InspectionKind.RANDOM,
        inspected_on=inspected,
        authority="汕头市市场监督管理局",
        result=result,
    )
