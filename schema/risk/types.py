"""Credit-risk classification types (国市监信发〔2022〕6号). Assessments are not served yet:
`Enterprise.riskAssessment` resolves to null until risk classification is built."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry


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
