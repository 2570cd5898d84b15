"""Inspection results: the conditions of recording one, and its write as an INSPECTION record
of the gateway's own source (the list decisions' source), so that it gets versions and
provenance and shows in profiles, the public view and the change feed."""

from __future__ import annotations

import datetime as dt

from gateway.archive.own import write_own_record
from gateway.archive.profile import Stored
from gateway.database import Connection
from gateway.inspections.model import InspectionRefused, Task
from gateway.inspections.validation import text
from gateway.records import Inspection, InspectionKind, InspectionResult

FEED = "inspections"
MAX_RESULT_TEXT = 2000


def record_id(task_id: int, uscc: str) -> str:
    """The source's identifier of an enterprise's result in a task: one record, whose
    corrections are its later versions."""
    return f"inspection-{task_id}-{uscc}"


def reference(task_id: int, uscc: str) -> str:
    return f"RANDOM-{task_id}-{uscc}"


def result_record(
    task: Task, uscc: str, result: InspectionResult, result_text: str | None,
    inspected_on: dt.date, today: dt.date,
) -> Inspection:
    """The record of a result; refused when the date is outside the task's window or later
    than today."""
    spec = task.spec
    if task.drawn_at is None:
        raise InspectionRefused(f"taskId: task {task.id} has not been drawn yet")
    if not spec.starts_on <= inspected_on <= spec.ends_on:
        raise InspectionRefused(
            f"inspectedOn: {inspected_on} is outside the task's window "
            f"({spec.starts_on} to {spec.ends_on})"
        )
    if inspected_on > today:
        raise InspectionRefused(f"inspectedOn: {inspected_on} is in the future (today is {today})")
    words = None if result_text is None else text("text", result_text, MAX_RESULT_TEXT)
    return Inspection(
        uscc=uscc,
        reference=reference(task.id, uscc),
        kind=InspectionKind.RANDOM,
        inspected_on=inspected_on,
        authority="、".join(spec.departments),
        result=result,
        result_text=words,
        key_area=spec.population.key_area,
    )


async def write_result(
    conn: Connection, department: str, inspection: Inspection, key: str, now: dt.datetime
) -> Stored[Inspection]:
    """Write `inspection` as (a new version of) record `key`; in the caller's transaction."""
    return await write_own_record(conn, department, inspection, FEED, key, now,
                                  must_change=False)
