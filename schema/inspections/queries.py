"""Root fields of inspections: tasks and their draws (public), the inspector directory and
overdue results (inspection:write)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.archive import cursors
from gateway.inspections import result_store, store
from schema.auditing import note_access
from schema.context import Info
from schema.errors import BadUserInputError
from schema.inspections.mutations import CONFLICT_GROUP, task_id
from schema.inspections.types import (
    InspectionTask,
    InspectionTaskConnection,
    InspectorConnection,
    OverdueInspectionResultConnection,
    entry_loader,
    inspector_type,
    overdue_type,
    task_type,
)
from schema.pagination import PageInfo
from schema.permissions import require

DEFAULT_FIRST = 20
OVERDUE_GROUP = "inspectionResults"
_First = Annotated[int | None, strawberry.argument(description="Page size, 1 to 100 (null: 20).")]
_After = Annotated[str | None, strawberry.argument(description="The endCursor of the previous "
                                                   "page.")]


def _size(first: int | None) -> int:
    size = DEFAULT_FIRST if first is None else first
    if not 1 <= size <= store.MAX_FIRST:
        raise BadUserInputError(f"first: expected 1 to {store.MAX_FIRST}, got {size}")
    return size


async def resolve_task(
    info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The task's id.")]
) -> InspectionTask | None:
    pool = info.context.services.pool
    found = await store.task(pool, task_id(id, "id"))
    return None if found is None else task_type(found, entry_loader(pool))


async def resolve_tasks(
    info: Info, first: _First = DEFAULT_FIRST, after: _After = None
) -> InspectionTaskConnection:
    pool = info.context.services.pool
    start = None if after is None else task_id(after, "after")
    tasks, more = await store.tasks_page(pool, _size(first), start)
    loader = entry_loader(pool)
    end = str(tasks[-1].id) if tasks else None
    return InspectionTaskConnection(nodes=[task_type(t, loader) for t in tasks],
                                    page_info=PageInfo(has_next_page=more, end_cursor=end))


async def resolve_inspectors(
    info: Info,
    department: Annotated[str | None, strawberry.argument(
        description="Only this department's inspectors.")] = None,
    active: Annotated[bool | None, strawberry.argument(
        description="true: only active ones; false: only deactivated ones; null: all.")] = None,
    first: _First = DEFAULT_FIRST,
    after: _After = None,
) -> InspectorConnection:
    require(info, Scope.INSPECTION_WRITE)
    found, more = await store.inspectors_page(
        info.context.services.pool, department=department, active=active, ids=None,
        first=_size(first), after=after,
    )
    note_access(info.context, [c.uscc for i in found for c in i.conflicts], CONFLICT_GROUP)
    end = found[-1].id if found else None
    return InspectorConnection(nodes=[inspector_type(i) for i in found],
                               page_info=PageInfo(has_next_page=more, end_cursor=end))


_MAX_TASK_ID = 2**63 - 1


def _overdue_cursor(after: str | None) -> tuple[dt.date, int, str] | None:
    if after is None:
        return None
    key = cursors.decode(after)
    try:
        if key is None or set(key) != {"d", "t", "u"}:
            raise ValueError("not a key of this list")
        task, uscc = key["t"], key["u"]
        if type(task) is not int or not 0 < task <= _MAX_TASK_ID or not _is_code(uscc):
            raise ValueError("out of range")
        return dt.date.fromisoformat(key["d"]), task, uscc
    except (ValueError, TypeError):
        raise BadUserInputError("after: not a cursor of this list (use a pageInfo.endCursor)"
                                ) from None


def _is_code(value: object) -> bool:
    return isinstance(value, str) and len(value) == 18 and value.isascii() and value.isalnum()


def _overdue_end(o: result_store.OverdueResult) -> str:
    return cursors.encode({"d": o.due_on.isoformat(), "t": o.task_id, "u": o.uscc})


async def resolve_overdue(
    info: Info, first: _First = DEFAULT_FIRST, after: _After = None
) -> OverdueInspectionResultConnection:
    require(info, Scope.INSPECTION_WRITE)
    found, more = await result_store.overdue_page(
        info.context.services.pool, info.context.today, _size(first), _overdue_cursor(after)
    )
    note_access(info.context, [o.uscc for o in found], OVERDUE_GROUP)
    end = _overdue_end(found[-1]) if found else None
    return OverdueInspectionResultConnection(
        nodes=[overdue_type(o) for o in found],
        page_info=PageInfo(has_next_page=more, end_cursor=end),
    )


@strawberry.type
class InspectionQuery:
    inspection_task: InspectionTask | None = strawberry.field(
        resolver=resolve_task,
        description="A \"double random\" inspection task, or null when there is none. Public "
        "(\"one public\"): assignment details need inspection:write.",
    )
    inspection_tasks: InspectionTaskConnection = strawberry.field(
        resolver=resolve_tasks, description="Inspection tasks, newest first. Public."
    )
    inspectors: InspectorConnection = strawberry.field(
        resolver=resolve_inspectors,
        description="The inspector directory by id, with declared conflicts. Needs "
        "inspection:write.",
    )
    overdue_inspection_results: OverdueInspectionResultConnection = strawberry.field(
        resolver=resolve_overdue,
        description="Drawn enterprises whose result was not published within 20 working days "
        "of the inspection's end (unpublished past the due day, or published late), by due "
        "day. Needs inspection:write.",
    )
