"""Results (access control off): recorded for drawn enterprises only, entering the archive as
RANDOM inspections of the gateway's own source, and the overdue ones listed."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.archive import cursors
from gateway.rules.publicity import publication_deadline
from tests.inspections.support import (
    DAY,
    DEPARTMENT,
    OVERDUE,
    PROFILE_INSPECTIONS,
    RECORD,
    TASK,
    TODAY,
    created_and_drawn,
    data,
    enterprises,
    inspectors,
    refused,
    run,
    task_input,
)


@pytest.fixture
async def drawn(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> tuple[asyncpg.Pool[Any], str, list[str]]:
    """A task that drew all three enterprises: the pool, its id and their codes."""
    pool = empty_inspections
    codes = await enterprises(pool, "BBB")
    await inspectors(pool, 2)
    task = await created_and_drawn(client, startsOn=(TODAY - 10 * DAY).isoformat())
    return pool, task["id"], codes


def _result(task: str, uscc: str, **changes: Any) -> dict[str, Any]:
    values = {"task": task, "uscc": uscc, "result": "PROBLEM_PENDING",
              "on": TODAY.isoformat(), "text": "进货查验记录不全，责令限期改正"}
    return values | changes


async def test_a_result_enters_the_profile_as_a_random_inspection_of_the_gateway(
    client: httpx.AsyncClient, drawn: tuple[asyncpg.Pool[Any], str, list[str]]
) -> None:
    pool, task_id, codes = drawn
    recorded = data(await run(client, RECORD, _result(task_id, codes[0])),
                    "recordInspectionResult")
    assert recorded["kind"] == "RANDOM" and recorded["result"] == "PROBLEM_PENDING"
    assert recorded["authority"] == DEPARTMENT
    assert recorded["reference"] == f"RANDOM-{task_id}-{codes[0]}"
    assert recorded["provenance"]["source"] == "supervision"
    profile = data(await run(client, PROFILE_INSPECTIONS, {"uscc": codes[0]}), "enterprise")
    assert [(i["id"], i["kind"], i["result"], i["provenance"]["source"])
            for i in profile["inspections"]] == [
        (recorded["id"], "RANDOM", "PROBLEM_PENDING", "supervision")]
    corrected = data(await run(client, RECORD, _result(task_id, codes[0], result="NO_PROBLEM",
                                                       text=None)), "recordInspectionResult")
    assert corrected["id"] == recorded["id"] and corrected["resultText"] is None
    versions = await pool.fetchval(
        "SELECT count(*) FROM record_versions WHERE record_pk = $1", int(recorded["id"]))
    assert versions == 2
    page = data(await run(client, TASK, {"id": task_id}), "inspectionTask")
    assert [e["node"]["resultRecorded"] for e in page["enterprises"]["edges"]] == [
        c == codes[0] for c in sorted(codes)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"on": (TODAY + DAY).isoformat()}, "inspectedOn: .* is in the future"),
        ({"on": (TODAY - 11 * DAY).isoformat()}, "inspectedOn: .* is outside the task's window"),
        ({"text": " "}, "text: expected some text"),
        ({"text": "x" * 2001}, "text: expected at most 2000"),
        ({"task": "999"}, "taskId: no inspection task 999"),
        ({"task": "1.5"}, "taskId: not a task id"),
        ({"uscc": "91440507000000099X"}, "USCC|invalid"),
        ({"result": "FINE"}, "FINE"),
    ],
)
async def test_a_bad_result_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, drawn: tuple[asyncpg.Pool[Any], str, list[str]],
    changes: dict[str, Any], message: str,
) -> None:
    pool, task_id, codes = drawn
    body = await run(client, RECORD, _result(task_id, codes[0]) | changes)
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] in ("BAD_USER_INPUT", "INVALID_USCC")
    assert re.search(message, body["errors"][0]["message"]), body
    assert await pool.fetchval("SELECT count(*) FROM records WHERE kind = 'INSPECTION'") == 0


async def test_only_drawn_enterprises_of_drawn_tasks_get_results(
    client: httpx.AsyncClient, drawn: tuple[asyncpg.Pool[Any], str, list[str]]
) -> None:
    pool, task_id, codes = drawn
    [outsider] = await enterprises(pool, "B", start=9, status="SUSPENDED")
    assert f"uscc: {outsider} was not drawn in task {task_id}" in refused(
        await run(client, RECORD, _result(task_id, outsider)))
    undrawn = data(await run(client, "mutation($i: InspectionTaskInput!) { "
                             "createInspectionTask(input: $i) { id } }",
                             {"i": task_input()}), "createInspectionTask")
    assert "has not been drawn yet" in refused(
        await run(client, RECORD, _result(undrawn["id"], codes[0])))


async def _window_in_the_past(pool: asyncpg.Pool[Any], task_id: str, ends_on: Any) -> None:
    await pool.execute(
        "UPDATE inspection_tasks SET starts_on = $2, ends_on = $3, results_due_on = $4 "
        "WHERE id = $1", int(task_id), ends_on - 20 * DAY, ends_on,
        publication_deadline(ends_on))


async def test_results_not_published_within_20_working_days_are_overdue(
    client: httpx.AsyncClient, drawn: tuple[asyncpg.Pool[Any], str, list[str]]
) -> None:
    pool, task_id, codes = drawn
    ends_on = TODAY - 60 * DAY
    await _window_in_the_past(pool, task_id, ends_on)
    late_day = ends_on - 5 * DAY  # published today: long after 20 working days
    await run(client, RECORD, _result(task_id, codes[0], on=late_day.isoformat()))
    body = data(await run(client, OVERDUE, {}), "overdueInspectionResults")
    by_code = {n["uscc"]: n for n in body["nodes"]}
    assert set(by_code) == set(codes)
    assert by_code[codes[0]]["publishedOn"] == TODAY.isoformat()
    assert by_code[codes[0]]["dueOn"] == publication_deadline(late_day).isoformat()
    assert by_code[codes[1]]["publishedOn"] is None
    assert by_code[codes[1]]["dueOn"] == publication_deadline(ends_on).isoformat()
    first = data(await run(client, OVERDUE, {"first": 2}), "overdueInspectionResults")
    assert first["pageInfo"]["hasNextPage"] is True
    rest = data(await run(client, OVERDUE, {"after": first["pageInfo"]["endCursor"]}),
                "overdueInspectionResults")
    assert [n["uscc"] for n in first["nodes"] + rest["nodes"]] == [
        n["uscc"] for n in body["nodes"]]
    for after in ("nonsense", cursors.encode({"d": "2026-01-01", "t": 10**30, "u": "x" * 18}),
                  cursors.encode({"d": "2026-13-01", "t": 1, "u": "9" * 18})):
        bad = await run(client, OVERDUE, {"after": after})
        assert "after: not a cursor" in bad["errors"][0]["message"]
        assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_result_published_in_time_or_a_window_still_running_is_not_overdue(
    client: httpx.AsyncClient, drawn: tuple[asyncpg.Pool[Any], str, list[str]]
) -> None:
    pool, task_id, codes = drawn
    assert data(await run(client, OVERDUE, {}), "overdueInspectionResults")["nodes"] == []
    await _window_in_the_past(pool, task_id, TODAY - DAY)
    for uscc in codes:
        await run(client, RECORD, _result(task_id, uscc, on=(TODAY - DAY).isoformat()))
    assert data(await run(client, OVERDUE, {}), "overdueInspectionResults")["nodes"] == []
