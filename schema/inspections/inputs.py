"""Input types of the inspection mutations, and their conversion to the domain's values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from gateway import records
from gateway.inspections import model, validation


@strawberry.input(description="What a supervisor states about an inspector.")
class InspectorInput:
    name: str = strawberry.field(description="The inspector's name (1 to 200 chars).")
    department: str = strawberry.field(
        description="The department the inspector belongs to; tasks draw inspectors from "
        "their departments by this name."
    )
    division: str = strawberry.field(description="6-digit division code of the unit.")
    qualifications: list[str] = strawberry.field(
        default_factory=list, description="Fields of competence (at most 20)."
    )


def inspector_details(given: InspectorInput) -> model.InspectorDetails:
    """The details, checked (InspectionRefused naming the field)."""
    return validation.inspector_details(
        given.name, given.department, given.division, given.qualifications
    )


@strawberry.input(description="Which enterprises a task draws from; every condition given "
                  "must hold.")
class PopulationFilterInput:
    division: str | None = strawberry.field(
        default=None, description="Division code prefix: 2, 4 or 6 digits, e.g. 4405."
    )
    key_area: records.KeyArea | None = strawberry.field(
        default=None, description="Only enterprises tagged with this key area."
    )
    industry_prefix: str | None = strawberry.field(
        default=None, description="GB/T 4754 industry code prefix, e.g. C14."
    )
    statuses: list[records.EnterpriseStatus] | None = strawberry.field(
        default=None, description="Registration statuses drawn from (null: OPERATING)."
    )


@strawberry.input(description="Sampling ratio of each risk class: 0 to 1, at most 4 decimal "
                  "places. At least one must be 0.03 or more (the 3 % floor).")
class SamplingRatiosInput:
    a: Decimal = strawberry.field(description="Class A (low risk).")
    b: Decimal = strawberry.field(description="Class B (ordinary; also the unassessed).")
    c: Decimal = strawberry.field(description="Class C (higher risk).")
    d: Decimal = strawberry.field(description="Class D (high risk).")


@strawberry.input(description="A new \"double random\" inspection task.")
class InspectionTaskInput:
    name: str = strawberry.field(description="The task's name (1 to 200 characters).")
    departments: list[str] = strawberry.field(
        description="Departments taking part (1 to 20); inspectors are drawn from these."
    )
    check_items: list[str] = strawberry.field(description="The checklist (1 to 100 items).")
    ratios: SamplingRatiosInput = strawberry.field(description="Sampling ratio per class.")
    starts_on: dt.date = strawberry.field(description="First day of the inspection window.")
    ends_on: dt.date = strawberry.field(
        description="Last day of the window: not before startsOn, not past, at most 366 days "
        "after startsOn."
    )
    inspectors_per_enterprise: int = strawberry.field(
        default=2, description="Inspectors per drawn enterprise, 2 to 10."
    )
    population: PopulationFilterInput | None = strawberry.field(
        default=None, description="Whom to draw from (null: every OPERATING enterprise)."
    )


def task_spec(given: InspectionTaskInput) -> model.TaskSpec:
    """The spec as given (validated by the service)."""
    pop = given.population or PopulationFilterInput()
    statuses = (records.EnterpriseStatus.OPERATING,) if pop.statuses is None else tuple(
        pop.statuses)
    r = given.ratios
    return model.TaskSpec(
        name=given.name, departments=tuple(given.departments),
        check_items=tuple(given.check_items),
        population=model.PopulationFilter(pop.division, pop.key_area, pop.industry_prefix,
                                          statuses),
        ratios=model.Ratios(r.a, r.b, r.c, r.d),
        inspectors_per_enterprise=given.inspectors_per_enterprise,
        starts_on=given.starts_on, ends_on=given.ends_on,
    )
