"""What the inspection domain is made of: inspectors, conflicts, tasks and drawn entries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from gateway.records import EnterpriseStatus, KeyArea
from gateway.refusals import Refused

RISK_CLASSES = ("A", "B", "C", "D")
DEFAULT_CLASS = "B"
"""The class of an enterprise without a risk assessment: ordinary risk."""


class InspectionRefused(Refused):
    """An argument is invalid or a condition is not met; the message names which."""


@dataclasses.dataclass(frozen=True, slots=True)
class InspectorDetails:
    """What a supervisor states about an inspector."""

    name: str
    department: str
    division: str
    qualifications: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Conflict:
    """A declared conflict of interest: the inspector recuses from the enterprise."""

    inspector_id: str
    uscc: str
    reason: str
    declared_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class Inspector:
    id: str
    details: InspectorDetails
    active: bool
    conflicts: tuple[Conflict, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class PopulationFilter:
    """Which enterprises a task draws from."""

    division: str | None = None
    """Prefix of the enterprise's division code."""
    key_area: KeyArea | None = None
    industry_prefix: str | None = None
    statuses: tuple[EnterpriseStatus, ...] = (EnterpriseStatus.OPERATING,)


@dataclasses.dataclass(frozen=True, slots=True)
class Ratios:
    """Sampling ratio of each risk class, 0 to 1."""

    a: Decimal
    b: Decimal
    c: Decimal
    d: Decimal

    def of(self, risk_class: str) -> Decimal:
        ratio: Decimal = getattr(self, risk_class.lower())
        return ratio


@dataclasses.dataclass(frozen=True, slots=True)
class TaskSpec:
    """A task as a supervisor asks for it (validated by gateway.inspections.validation)."""

    name: str
    departments: tuple[str, ...]
    check_items: tuple[str, ...]
    population: PopulationFilter
    ratios: Ratios
    inspectors_per_enterprise: int
    starts_on: dt.date
    ends_on: dt.date


@dataclasses.dataclass(frozen=True, slots=True)
class Task:
    """A stored task; the seed only once drawn (it is secret before)."""

    id: int
    spec: TaskSpec
    results_due_on: dt.date
    commitment: bytes
    created_at: dt.datetime
    drawn_at: dt.datetime | None
    seed: bytes | None
    snapshot_hash: bytes | None
    population_size: int | None
    drawn_count: int


@dataclasses.dataclass(frozen=True, slots=True)
class DrawnEntry:
    """One enterprise of a draw and the inspectors assigned to it, in order of choice."""

    uscc: str
    risk_class: str
    class_rank: int
    by_floor: bool
    inspectors: tuple[str, ...]
