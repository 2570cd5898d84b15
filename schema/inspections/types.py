"""Types of the inspection domain: inspectors, tasks and their public draw, overdue results."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any

import asyncpg
import strawberry
from strawberry.dataloader import DataLoader

from auth.roles import Scope
from gateway import records
from gateway.inspections import model
from gateway.inspections.draw import floor_count
from gateway.inspections.result_store import (
    EntryPageKey,
    OverdueResult,
    PublishedEntry,
    entry_pages,
)
from schema.auditing import note_access
from schema.context import Info
from schema.errors import BadUserInputError
from schema.pagination import PageInfo
from schema.permissions import needs
from schema.scalars import USCC

DRAW_GROUP = "inspectionDraws"
"""Group of the audit row when drawn enterprises were read."""
MAX_ENTRIES = 1000
EntryPage = tuple[list[PublishedEntry], bool]


@strawberry.type(description="A declared conflict of interest: the inspector recuses from "
                 "the enterprise and is never assigned to it.")
class InspectorConflict:
    uscc: USCC = strawberry.field(description="The enterprise's code.")
    reason: str = strawberry.field(description="The declared reason.")
    declared_at: dt.datetime = strawberry.field(description="When it was declared.")


@strawberry.type(description="An inspector of the inspector directory (执法检查人员名录库).")
class Inspector:
    id: strawberry.ID = strawberry.field(description="Law-enforcement certificate number.")
    name: str = strawberry.field(description="The inspector's name.")
    department: str = strawberry.field(description="The department the inspector belongs to.")
    division: str = strawberry.field(description="Division code of the inspector's unit.")
    qualifications: list[str] = strawberry.field(description="Fields of competence.")
    active: bool = strawberry.field(description="Whether the inspector may be drawn.")
    conflicts: list[InspectorConflict] = strawberry.field(
        description="Declared conflicts, by enterprise code."
    )


def inspector_type(i: model.Inspector) -> Inspector:
    d = i.details
    conflicts = [InspectorConflict(uscc=USCC(c.uscc), reason=c.reason,
                                   declared_at=c.declared_at) for c in i.conflicts]
    return Inspector(id=strawberry.ID(i.id), name=d.name, department=d.department,
                     division=d.division, qualifications=list(d.qualifications),
                     active=i.active, conflicts=conflicts)


@strawberry.type(description="A page of the inspector directory, by id.")
class InspectorConnection:
    nodes: list[Inspector] = strawberry.field(description="The page's inspectors.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")


@strawberry.type(description="Which enterprises a task draws from.")
class PopulationFilter:
    division: str | None = strawberry.field(description="Division code prefix, if any.")
    key_area: records.KeyArea | None = strawberry.field(description="Key area, if any.")
    industry_prefix: str | None = strawberry.field(description="Industry code prefix, if any.")
    statuses: list[records.EnterpriseStatus] = strawberry.field(
        description="Registration statuses drawn from."
    )


@strawberry.type(description="Sampling ratio of each risk class (0 to 1).")
class SamplingRatios:
    a: Decimal = strawberry.field(description="Class A (low risk).")
    b: Decimal = strawberry.field(description="Class B (ordinary), also every enterprise "
                                  "without a risk assessment.")
    c: Decimal = strawberry.field(description="Class C (higher risk).")
    d: Decimal = strawberry.field(description="Class D (high risk).")


@strawberry.type(description="An inspector assigned to a drawn enterprise.")
class AssignedInspector:
    id: strawberry.ID = strawberry.field(description="Law-enforcement certificate number.")
    name: str = strawberry.field(description="The inspector's name.")
    department: str = strawberry.field(description="The inspector's department.")


@strawberry.type(description="An enterprise drawn for inspection.")
class DrawnEnterprise:
    uscc: USCC = strawberry.field(description="The enterprise's code.")
    name: str | None = strawberry.field(description="Its registered name.")
    risk_class: str | None = strawberry.field(
        description="Its risk class (A-D) in the draw's snapshot. Needs risk:read.",
        permission_classes=[needs(Scope.RISK_READ)],
    )
    inspectors: list[AssignedInspector] | None = strawberry.field(
        description="The inspectors assigned, in order of choice. Needs inspection:write.",
        permission_classes=[needs(Scope.INSPECTION_WRITE)],
    )
    result_recorded: bool = strawberry.field(
        description="Whether its result has been recorded (it is then in its profile)."
    )


@strawberry.type(description="One drawn enterprise and its cursor.")
class DrawnEnterpriseEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: DrawnEnterprise = strawberry.field(description="The drawn enterprise.")


@strawberry.type(description="A page of a task's drawn enterprises, by code.")
class DrawnEnterpriseConnection:
    edges: list[DrawnEnterpriseEdge] = strawberry.field(description="The page's enterprises.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")


def drawn_enterprise(e: PublishedEntry) -> DrawnEnterprise:
    inspectors = [AssignedInspector(id=strawberry.ID(i.id), name=i.name,
                                    department=i.department) for i in e.inspectors]
    return DrawnEnterprise(uscc=USCC(e.uscc), name=e.name, risk_class=e.risk_class,
                           inspectors=inspectors, result_recorded=e.result_recorded)


def _cursor_code(after: str | None) -> str | None:
    if after is not None and not (len(after) == 18 and after.isascii() and after.isalnum()):
        raise BadUserInputError(f"after: not a cursor of this list, got {after!r}")
    return after


async def resolve_enterprises(
    root: InspectionTask,
    info: Info,
    first: Annotated[
        int | None, strawberry.argument(description=f"Page size, 1 to {MAX_ENTRIES} "
                                        "(null: 100).")
    ] = 100,
    after: Annotated[
        str | None, strawberry.argument(description="The endCursor of the previous page.")
    ] = None,
) -> DrawnEnterpriseConnection:
    size = 100 if first is None else first
    if not 1 <= size <= MAX_ENTRIES:
        raise BadUserInputError(f"first: expected 1 to {MAX_ENTRIES}, got {size}")
    entries, more = await root.loader.load(EntryPageKey(int(root.id), size, _cursor_code(after)))
    note_access(info.context, [e.uscc for e in entries], DRAW_GROUP)
    edges = [DrawnEnterpriseEdge(cursor=e.uscc, node=drawn_enterprise(e)) for e in entries]
    end = entries[-1].uscc if entries else None
    return DrawnEnterpriseConnection(edges=edges,
                                     page_info=PageInfo(has_next_page=more, end_cursor=end))


@strawberry.type(description="A \"double random\" inspection task (双随机抽查任务). Public, so "
                 "that anyone can check the draw: the commitment from creation, the seed and "
                 "snapshot hash once drawn, and the drawn enterprises.")
class InspectionTask:
    id: strawberry.ID = strawberry.field(description="The task's id.")
    name: str = strawberry.field(description="The task's name.")
    departments: list[str] = strawberry.field(
        description="Departments taking part (a joint task has several); inspectors are drawn "
        "from these."
    )
    check_items: list[str] = strawberry.field(description="The checklist (检查事项).")
    population: PopulationFilter = strawberry.field(description="Whom the task draws from.")
    ratios: SamplingRatios = strawberry.field(description="Sampling ratio per risk class.")
    inspectors_per_enterprise: int = strawberry.field(
        description="Inspectors assigned to each drawn enterprise (at least 2)."
    )
    starts_on: dt.date = strawberry.field(description="First day of the inspection window.")
    ends_on: dt.date = strawberry.field(description="Last day of the inspection window.")
    results_due_on: dt.date = strawberry.field(
        description="Last day to publish results: 20 working days after endsOn (a result of "
        "an earlier inspection is due 20 working days after its own date)."
    )
    commitment: str = strawberry.field(
        description="SHA-256 of the secret seed (hex), published before the draw."
    )
    created_at: dt.datetime = strawberry.field(description="When the task was created.")
    drawn_at: dt.datetime | None = strawberry.field(description="When it was drawn.")
    seed: str | None = strawberry.field(
        permission_classes=[needs(Scope.AUDIT_READ)],
        description="The seed (32 bytes, hex); null until the draw. Needs audit:read (the "
        "bureau's supervisors and auditors): with the public list of drawn enterprises and "
        "the ratios per class it would reveal risk classes, which are internal.",
    )
    snapshot_hash: str | None = strawberry.field(
        description="SHA-256 (hex) of the population snapshot the draw was made from; null "
        "until the draw."
    )
    population_size: int | None = strawberry.field(
        description="Enterprises in the population at the draw."
    )
    floor_count: int | None = strawberry.field(
        description="The fewest enterprises the draw had to pick: 3 % of the population, "
        "rounded up."
    )
    drawn_count: int = strawberry.field(description="Enterprises drawn (0 before the draw).")
    enterprises: DrawnEnterpriseConnection = strawberry.field(
        resolver=resolve_enterprises,
        description="The drawn enterprises, by code (\"one public\"): empty before the draw.",
    )
    loader: strawberry.Private[DataLoader[EntryPageKey, EntryPage]]


async def _load_pages(pool: asyncpg.Pool[Any], keys: list[EntryPageKey]) -> list[EntryPage]:
    return await entry_pages(pool, keys)


def entry_loader(pool: asyncpg.Pool[Any]) -> DataLoader[EntryPageKey, EntryPage]:
    """One loader per request: every task's page of enterprises in one query."""
    return DataLoader(load_fn=functools.partial(_load_pages, pool))


def task_type(t: model.Task, loader: DataLoader[EntryPageKey, EntryPage]) -> InspectionTask:
    s, pop, r = t.spec, t.spec.population, t.spec.ratios
    return InspectionTask(
        id=strawberry.ID(str(t.id)), name=s.name, departments=list(s.departments),
        check_items=list(s.check_items),
        population=PopulationFilter(division=pop.division, key_area=pop.key_area,
                                    industry_prefix=pop.industry_prefix,
                                    statuses=list(pop.statuses)),
        ratios=SamplingRatios(a=r.a, b=r.b, c=r.c, d=r.d),
        inspectors_per_enterprise=s.inspectors_per_enterprise, starts_on=s.starts_on,
        ends_on=s.ends_on, results_due_on=t.results_due_on, commitment=t.commitment.hex(),
        created_at=t.created_at, drawn_at=t.drawn_at,
        seed=None if t.seed is None else t.seed.hex(),
        snapshot_hash=None if t.snapshot_hash is None else t.snapshot_hash.hex(),
        population_size=t.population_size,
        floor_count=None if t.population_size is None else floor_count(t.population_size),
        drawn_count=t.drawn_count, loader=loader,
    )


@strawberry.type(description="A page of inspection tasks, newest first.")
class InspectionTaskConnection:
    nodes: list[InspectionTask] = strawberry.field(description="The page's tasks.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")


@strawberry.type(description="A drawn enterprise whose result was not published within 20 "
                 "working days of the inspection's end.")
class OverdueInspectionResult:
    task_id: strawberry.ID = strawberry.field(description="The task's id.")
    task_name: str = strawberry.field(description="The task's name.")
    uscc: USCC = strawberry.field(description="The enterprise's code.")
    enterprise_name: str | None = strawberry.field(description="Its registered name.")
    due_on: dt.date = strawberry.field(
        description="Last day to publish: 20 working days after the inspection date, or "
        "after the task's window when no result is recorded."
    )
    inspected_on: dt.date | None = strawberry.field(
        description="Inspection date; null while no result is recorded."
    )
    published_on: dt.date | None = strawberry.field(
        description="When the result was first recorded (late); null while unpublished."
    )


def overdue_type(o: OverdueResult) -> OverdueInspectionResult:
    return OverdueInspectionResult(
        task_id=strawberry.ID(str(o.task_id)), task_name=o.task_name, uscc=USCC(o.uscc),
        enterprise_name=o.enterprise_name, due_on=o.due_on, inspected_on=o.inspected_on,
        published_on=o.published_on,
    )


@strawberry.type(description="A page of overdue results, by due day.")
class OverdueInspectionResultConnection:
    nodes: list[OverdueInspectionResult] = strawberry.field(description="The page's results.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
