"""Checks of what supervisors submit: tasks and inspectors. Each failure raises
InspectionRefused naming the argument (as the GraphQL API spells it) and what was expected."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from gateway import refusals
from gateway.inspections.draw import FLOOR_PERCENT
from gateway.inspections.model import (
    InspectionRefused,
    InspectorDetails,
    PopulationFilter,
    Ratios,
    TaskSpec,
)

MAX_NAME = 200
MAX_TEXT = 500
MAX_DEPARTMENTS = 20
MAX_CHECK_ITEMS = 100
MAX_QUALIFICATIONS = 20
MAX_INSPECTORS_PER_ENTERPRISE = 10
MAX_WINDOW_DAYS = 366
RATIO_PLACES = 4
FLOOR_RATIO = Decimal(FLOOR_PERCENT) / 100
INSPECTOR_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,39}\Z")
DIVISION = re.compile(r"^[0-9]{6}\Z")
DIVISION_PREFIX = re.compile(r"^([0-9]{2}){1,3}\Z")
INDUSTRY_PREFIX = re.compile(r"^[A-T]([0-9]{1,4})?\Z")


def text(field: str, value: str, most: int = MAX_TEXT) -> str:
    """A trimmed, non-empty text of at most `most` characters."""
    return refusals.text_argument(field, value, most, InspectionRefused)


def texts(field: str, values: Sequence[str], most_items: int, *, empty_ok: bool = False
          ) -> tuple[str, ...]:
    """Distinct trimmed texts, in the order given."""
    if not values and not empty_ok:
        raise InspectionRefused(f"{field}: expected at least one item, got none")
    if len(values) > most_items:
        raise InspectionRefused(f"{field}: expected at most {most_items} items, got {len(values)}")
    items = tuple(text(f"{field}[{n}]", v) for n, v in enumerate(values))
    if len(set(items)) != len(items):
        raise InspectionRefused(f"{field}: an item is given twice")
    return items


def inspector_id(value: str) -> str:
    if not INSPECTOR_ID.match(value):
        raise InspectionRefused(
            f"id: expected 1 to 40 ASCII letters, digits or '-' (the law-enforcement "
            f"certificate number), got {value!r}"
        )
    return value


def inspector_details(
    name: str, department: str, division: str, qualifications: Sequence[str]
) -> InspectorDetails:
    if not DIVISION.match(division):
        raise InspectionRefused(
            f"division: expected a 6-digit division code (GB/T 2260), got {division!r}"
        )
    return InspectorDetails(
        name=text("name", name, MAX_NAME),
        department=text("department", department, MAX_NAME),
        division=division,
        qualifications=texts("qualifications", qualifications, MAX_QUALIFICATIONS,
                             empty_ok=True),
    )


def population(pop: PopulationFilter) -> PopulationFilter:
    if pop.division is not None and not DIVISION_PREFIX.match(pop.division):
        raise InspectionRefused(
            f"population.division: expected 2, 4 or 6 digits of a division code, "
            f"got {pop.division!r}"
        )
    if pop.industry_prefix is not None and not INDUSTRY_PREFIX.match(pop.industry_prefix):
        raise InspectionRefused(
            f"population.industryPrefix: expected a GB/T 4754 section letter and up to 4 "
            f"digits (e.g. C14), got {pop.industry_prefix!r}"
        )
    if not pop.statuses:
        raise InspectionRefused("population.statuses: expected at least one status")
    if len(set(pop.statuses)) != len(pop.statuses):
        raise InspectionRefused("population.statuses: a status is given twice")
    return pop


def ratio(field: str, value: Decimal) -> Decimal:
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise InspectionRefused(f"{field}: expected a ratio from 0 to 1, got {value}")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATIO_PLACES:
        raise InspectionRefused(
            f"{field}: expected at most {RATIO_PLACES} decimal places, got {value}"
        )
    return value


def ratios(given: Ratios) -> Ratios:
    """Each ratio 0 to 1; ratios that are all under the 3 % floor can never reach it."""
    checked = Ratios(*(ratio(f"ratios.{c}", given.of(c)) for c in "abcd"))
    if max(checked.a, checked.b, checked.c, checked.d) < FLOOR_RATIO:
        raise InspectionRefused(
            f"ratios: every ratio is under {FLOOR_RATIO}, so the draw cannot reach the "
            f"national floor of {FLOOR_PERCENT} % of the population (《企业公示信息抽查办法》 "
            f"Art.4); give at least one class a ratio of {FLOOR_RATIO} or more"
        )
    return checked


def window(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> None:
    if ends_on < starts_on:
        raise InspectionRefused(f"endsOn: {ends_on} is before startsOn {starts_on}")
    if ends_on < today:
        raise InspectionRefused(f"endsOn: {ends_on} has passed (today is {today})")
    if (ends_on - starts_on).days > MAX_WINDOW_DAYS:
        raise InspectionRefused(f"endsOn: the window may last at most {MAX_WINDOW_DAYS} days")


def per_enterprise(value: int) -> int:
    if not 2 <= value <= MAX_INSPECTORS_PER_ENTERPRISE:
        raise InspectionRefused(
            f"inspectorsPerEnterprise: expected 2 to {MAX_INSPECTORS_PER_ENTERPRISE} (at least "
            f"2 inspectors per enterprise, 国办发〔2015〕58号), got {value}"
        )
    return value


def task_spec(spec: TaskSpec, today: dt.date) -> TaskSpec:
    """The spec with its texts trimmed; refused naming the first invalid field."""
    window(spec.starts_on, spec.ends_on, today)
    return TaskSpec(
        name=text("name", spec.name, MAX_NAME),
        departments=texts("departments", spec.departments, MAX_DEPARTMENTS),
        check_items=texts("checkItems", spec.check_items, MAX_CHECK_ITEMS),
        population=population(spec.population),
        ratios=ratios(spec.ratios),
        inspectors_per_enterprise=per_enterprise(spec.inspectors_per_enterprise),
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
    )
