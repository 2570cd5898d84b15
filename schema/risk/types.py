"""Credit-risk classification types (国市监信发〔2022〕6号): internal supervision data, served
to callers with the risk:read scope only."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from gateway.risk.store import Distribution, StoredAssessment


@strawberry.enum(description="Credit-risk class: A low, B ordinary, C higher, D high risk.")
class RiskClass(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


@strawberry.type(description="One factor of a risk score.")
class RiskFactor:
    code: str = strawberry.field(description="Stable machine code of the factor.")
    description: str = strawberry.field(description="What the factor measures.")
    contribution: float = strawberry.field(
        description="Signed share of the score this factor contributed."
    )


@strawberry.type(description="An enterprise's credit-risk class and how it was judged. Internal.")
class RiskAssessment:
    risk_class: RiskClass = strawberry.field(description="The class the score falls in.")
    score: float = strawberry.field(description="The model's score.")
    model: str = strawberry.field(
        description="Which model judged it: the general model or a key-area sub-model, with "
        "its version."
    )
    assessed_at: dt.datetime = strawberry.field(description="When the assessment was made.")
    factors: list[RiskFactor] = strawberry.field(description="What made up the score.")

    @classmethod
    def of(cls, stored: StoredAssessment) -> RiskAssessment:
        """The stored assessment as served."""
        return cls(
            risk_class=RiskClass(stored.risk_class),
            score=stored.score,
            model=stored.model,
            assessed_at=stored.assessed_at,
            factors=[RiskFactor(code=f.code, description=f.description,
                                contribution=f.contribution) for f in stored.factors],
        )


@strawberry.type(description="How many enterprises are in one risk class.")
class RiskClassCount:
    risk_class: RiskClass = strawberry.field(description="The class.")
    count: int = strawberry.field(description="Enterprises whose current assessment is in it.")


@strawberry.type(description="Enterprises of a population by current risk class. Internal.")
class RiskDistribution:
    classes: list[RiskClassCount] = strawberry.field(
        description="Counts of classes A to D, in that order (zero counts included)."
    )
    unassessed: int = strawberry.field(description="Enterprises not assessed yet.")
    total: int = strawberry.field(description="All enterprises of the population.")

    @classmethod
    def of(cls, found: Distribution) -> RiskDistribution:
        return cls(
            classes=[RiskClassCount(risk_class=RiskClass(c), count=n)
                     for c, n in found.counts.items()],
            unassessed=found.unassessed,
            total=found.total,
        )
