"""Supervisors' steps of "double random" inspections (scope inspection:write): the inspector
directory, tasks, the draw and results. A refused step is BAD_USER_INPUT naming the argument,
and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.clock import utcnow
from gateway.inspections.model import Conflict, Task
from gateway.inspections.service import Inspections
from gateway.inspections.validation import MAX_TEXT, text
from gateway.records import InspectionResult
from schema.auditing import decision_hook, note_access
from schema.context import Info
from schema.enterprise.mapping import inspection_type
from schema.enterprise.types import Inspection
from schema.errors import BadUserInputError, translated_errors
from schema.inspections.inputs import (
    InspectionTaskInput,
    InspectorInput,
    inspector_details,
    task_spec,
)
from schema.inspections.types import (
    InspectionTask,
    Inspector,
    entry_loader,
    inspector_type,
    task_type,
)
from schema.permissions import require
from schema.scalars import USCC

RESULT_GROUP = "inspectionResults"
"""Group of the audit row when a result was recorded or refused."""
CONFLICT_GROUP = "inspectorConflicts"
_MAX_ID_DIGITS = 18


def inspections(info: Info) -> Inspections:
    """The bureau's procedures, after checking the caller may take their steps."""
    require(info, Scope.INSPECTION_WRITE)
    services = info.context.services
    return Inspections(services.pool, services.settings.authority,
                       decision_hook(info.context, RESULT_GROUP), services.rules)


def caller(info: Info) -> str | None:
    principal = info.context.principal
    return principal.client_id or principal.subject


def task_id(value: str, name: str = "taskId") -> int:
    """A task id argument as a number; BAD_USER_INPUT when it cannot be one."""
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= _MAX_ID_DIGITS):
        raise BadUserInputError(f"{name}: not a task id, got {value!r}")
    return int(digits)


def _task(info: Info, task: Task) -> InspectionTask:
    return task_type(task, entry_loader(info.context.services.pool))


_ID = Annotated[strawberry.ID, strawberry.argument(
    description="The inspector's law-enforcement certificate number: 1 to 40 ASCII letters, "
    "digits or '-'.")]
_INPUT = Annotated[InspectorInput, strawberry.argument(description="The inspector's details.")]


async def resolve_add_inspector(info: Info, id: _ID, input: _INPUT) -> Inspector:
    service = inspections(info)
    with translated_errors():
        return inspector_type(await service.add_inspector(id, inspector_details(input), utcnow()))


async def resolve_update_inspector(info: Info, id: _ID, input: _INPUT) -> Inspector:
    service = inspections(info)
    with translated_errors():
        details = inspector_details(input)
        return inspector_type(await service.update_inspector(id, details, utcnow()))


async def resolve_deactivate_inspector(info: Info, id: _ID) -> Inspector:
    service = inspections(info)
    with translated_errors():
        return inspector_type(await service.set_active(id, False, utcnow()))


async def resolve_activate_inspector(info: Info, id: _ID) -> Inspector:
    service = inspections(info)
    with translated_errors():
        return inspector_type(await service.set_active(id, True, utcnow()))


async def resolve_declare_conflict(
    info: Info,
    inspector_id: Annotated[strawberry.ID, strawberry.argument(description="The inspector.")],
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    reason: Annotated[str, strawberry.argument(description="The conflict (1 to 500 "
                                               "characters), e.g. a relative's stake.")],
) -> Inspector:
    service = inspections(info)
    note_access(info.context, [uscc], CONFLICT_GROUP)
    with translated_errors():
        conflict = Conflict(inspector_id, uscc, text("reason", reason, MAX_TEXT), utcnow())
        return inspector_type(await service.declare_conflict(conflict))


async def resolve_create_task(
    info: Info,
    input: Annotated[InspectionTaskInput, strawberry.argument(description="The task.")],
) -> InspectionTask:
    service = inspections(info)
    with translated_errors():
        task = await service.create_task(task_spec(input), info.context.today, utcnow(),
                                          caller(info))
    return _task(info, task)


async def resolve_draw_task(
    info: Info,
    task_id_: Annotated[strawberry.ID, strawberry.argument(name="taskId",
                                                           description="The task to draw.")],
) -> InspectionTask:
    service = inspections(info)
    with translated_errors():
        task = await service.draw(task_id(task_id_), info.context.today, utcnow(), caller(info))
    return _task(info, task)


async def resolve_record_result(
    info: Info,
    task_id_: Annotated[strawberry.ID, strawberry.argument(name="taskId",
                                                           description="The drawn task.")],
    uscc: Annotated[USCC, strawberry.argument(description="A drawn enterprise's code.")],
    result: Annotated[InspectionResult, strawberry.argument(description="What was found.")],
    inspected_on: Annotated[
        dt.date, strawberry.argument(description="Date of the inspection: within the task's "
                                     "window, not later than today.")
    ],
    text_: Annotated[
        str | None, strawberry.argument(name="text", description="The result in words (at "
                                        "most 2000 characters).")
    ] = None,
) -> Inspection:
    service = inspections(info)
    note_access(info.context, [uscc], RESULT_GROUP)
    with translated_errors():
        stored = await service.record_result(task_id(task_id_), uscc, result, text_,
                                             inspected_on, utcnow())
    # Results recorded here name no penalty: the rule book alone decides their publicity.
    return inspection_type(stored, info.context.today,
                           rule_book=info.context.services.rules.rules)


@strawberry.type(description="Steps of \"double random, one public\" inspections. Each needs "
                 "the inspection:write scope.")
class InspectionMutation:
    add_inspector: Inspector = strawberry.mutation(
        resolver=resolve_add_inspector,
        description="Adds an active inspector to the directory; refused when the id is taken.",
    )
    update_inspector: Inspector = strawberry.mutation(
        resolver=resolve_update_inspector,
        description="Replaces an inspector's details (the active flag is kept).",
    )
    deactivate_inspector: Inspector = strawberry.mutation(
        resolver=resolve_deactivate_inspector,
        description="Deactivates an inspector: later draws no longer assign them; earlier "
        "draws are unchanged.",
    )
    activate_inspector: Inspector = strawberry.mutation(
        resolver=resolve_activate_inspector,
        description="Activates an inspector again: later draws may assign them.",
    )
    declare_inspector_conflict: Inspector = strawberry.mutation(
        resolver=resolve_declare_conflict,
        description="Declares an inspector's conflict of interest with an enterprise of the "
        "archive: later draws never assign them to it (a repeated declaration replaces the "
        "reason). A draw already made is unchanged.",
    )
    create_inspection_task: InspectionTask = strawberry.mutation(
        resolver=resolve_create_task,
        description="Creates a task with a secret random seed and publishes the seed's "
        "SHA-256 (commitment). Every field is checked; a refusal names it.",
    )
    draw_inspection_task: InspectionTask = strawberry.mutation(
        resolver=resolve_draw_task,
        description="Draws the task once: snapshots the population and the eligible "
        "inspectors, picks enterprises per risk class (topped up to 3 % of the population) "
        "and assigns inspectors, then publishes the seed and the snapshot's hash. Refused "
        "when drawn before, when the window has ended, when the population is empty, or when "
        "some enterprise of the population would have fewer eligible inspectors than needed "
        "(they are named).",
    )
    record_inspection_result: Inspection = strawberry.mutation(
        resolver=resolve_record_result,
        description="Records (or corrects) a drawn enterprise's result. It enters the archive "
        "at once as a RANDOM inspection of the gateway's own source, in the enterprise's "
        "profile and the public view.",
    )
