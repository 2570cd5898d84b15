"""Who may do what, over HTTP with real tokens and access control on: every step needs
inspection:write; the public reads a task's commitment, seed (after the draw), snapshot hash
and drawn enterprises, and the results in profiles, but not the assignments."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from auth.roles import Role
from tests.auth.conftest import Gateway, bearer, post
from tests.inspections.support import (
    ACTIVATE,
    ADD_INSPECTOR,
    ASSIGNMENTS,
    CONFLICT,
    CREATE,
    DEACTIVATE,
    DRAW,
    INSPECTORS,
    OVERDUE,
    PROFILE_INSPECTIONS,
    RECORD,
    TASK,
    TODAY,
    UPDATE_INSPECTOR,
    enterprises,
    inspectors,
    task_input,
)

DETAILS = {"name": "林小红", "department": "汕头市市场监督管理局", "division": "440507"}
EVERYONE = {"a": "1", "b": "1", "c": "1", "d": "1"}
"""The served gateway reassesses risk classes as records arrive: draw every class whole."""


def _steps(uscc: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (ADD_INSPECTOR, {"id": "X1", "input": DETAILS}),
        (UPDATE_INSPECTOR, {"id": "SY0001", "input": DETAILS}),
        (DEACTIVATE, {"id": "SY0001"}),
        (ACTIVATE, {"id": "SY0001"}),
        (CONFLICT, {"id": "SY0001", "uscc": uscc, "reason": "亲属"}),
        (CREATE, {"input": task_input()}),
        (DRAW, {"id": "1"}),
        (RECORD, {"task": "1", "uscc": uscc, "result": "NO_PROBLEM",
                  "on": TODAY.isoformat()}),
        (INSPECTORS, {}),
        (OVERDUE, {}),
    ]


async def _state(pool: asyncpg.Pool[Any]) -> tuple[int, ...]:
    row = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM inspectors), (SELECT count(*) FROM inspector_conflicts),"
        " (SELECT count(*) FROM inspection_tasks), (SELECT count(*) FROM records),"
        " (SELECT count(*) FROM inspectors WHERE NOT active)")
    assert row is not None
    return tuple(row)


@pytest.mark.parametrize("role", [None, Role.PARTNER, Role.ASSOCIATION, Role.ADMIN])
async def test_every_step_needs_inspection_write(
    gateway: Gateway, empty_inspections: asyncpg.Pool[Any], role: Role | None
) -> None:
    pool = empty_inspections
    await pool.execute("TRUNCATE clients CASCADE")
    [uscc] = await enterprises(pool, "B")
    await inspectors(pool, 2)
    headers = {} if role is None else await bearer(gateway, pool, role)
    headers["x-purpose"] = "test"
    before = await _state(pool)
    for document, variables in _steps(uscc):
        body = await post(gateway, document, variables, headers)
        assert body["data"] is None, body
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
        assert "inspection:write" in body["errors"][0]["message"]
    assert await _state(pool) == before


async def test_the_public_checks_the_draw_but_not_the_assignments(
    gateway: Gateway, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    await pool.execute("TRUNCATE clients CASCADE")
    codes = await enterprises(pool, "BBD")
    await inspectors(pool, 3)
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    created = await post(gateway, CREATE, {"input": task_input(ratios=EVERYONE)}, supervisor)
    task_id = created["data"]["createInspectionTask"]["id"]
    public = await post(gateway, TASK, {"id": task_id}, {})
    task = public["data"]["inspectionTask"]
    assert task["commitment"] == created["data"]["createInspectionTask"]["commitment"]
    assert task["seed"] is None and task["enterprises"]["edges"] == []
    await post(gateway, DRAW, {"id": task_id}, supervisor)
    answer = await post(gateway, TASK, {"id": task_id}, {})
    task = answer["data"]["inspectionTask"]
    assert task["seed"] is None and task["snapshotHash"] is not None
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["FORBIDDEN"]
    audited = await post(gateway, TASK, {"id": task_id}, supervisor)
    assert audited["data"]["inspectionTask"]["seed"] is not None
    assert sorted(e["node"]["uscc"] for e in task["enterprises"]["edges"]) == sorted(codes)
    hidden = await post(gateway, ASSIGNMENTS, {"id": task_id}, {})
    nodes = [e["node"] for e in hidden["data"]["inspectionTask"]["enterprises"]["edges"]]
    assert all(n["inspectors"] is None and n["riskClass"] is None for n in nodes)
    assert {e["extensions"]["code"] for e in hidden["errors"]} == {"FORBIDDEN"}
    shown = await post(gateway, ASSIGNMENTS, {"id": task_id}, supervisor)
    assert "errors" not in shown
    nodes = [e["node"] for e in shown["data"]["inspectionTask"]["enterprises"]["edges"]]
    assert all(len(n["inspectors"]) == 2 for n in nodes)
    assert {n["riskClass"] for n in nodes} <= {"A", "B", "C", "D"}


async def test_a_recorded_result_is_in_the_public_view_at_once_and_audited(
    gateway: Gateway, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    await pool.execute("TRUNCATE clients CASCADE")
    codes = await enterprises(pool, "BB")
    await inspectors(pool, 2)
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    created = await post(gateway, CREATE, {"input": task_input(ratios=EVERYONE)}, supervisor)
    task_id = created["data"]["createInspectionTask"]["id"]
    await post(gateway, DRAW, {"id": task_id}, supervisor)
    variables = {"task": task_id, "uscc": codes[1], "result": "RULE_VIOLATION",
                 "on": TODAY.isoformat(), "text": "未按规定贮存食品"}
    recorded = await post(gateway, RECORD, variables, supervisor)
    assert "errors" not in recorded, recorded
    public = await post(gateway, PROFILE_INSPECTIONS, {"uscc": codes[1]}, {})
    [inspection] = public["data"]["enterprise"]["inspections"]
    assert (inspection["kind"], inspection["result"]) == ("RANDOM", "RULE_VIOLATION")
    assert inspection["id"] == recorded["data"]["recordInspectionResult"]["id"]
    audit = await pool.fetchrow(
        "SELECT role, usccs, field_groups FROM audit_log WHERE operation = 'Record' "
        "ORDER BY seq DESC LIMIT 1")
    assert audit is not None and audit["role"] == "supervisor"
    assert list(audit["usccs"]) == [codes[1]]
    assert list(audit["field_groups"]) == ["inspectionResults"]
    # One row written with the result in its transaction, one for the request.
    rows = await pool.fetch("SELECT request_id FROM audit_log WHERE operation = 'Record'")
    assert len(rows) == 2 and rows[0]["request_id"] == rows[1]["request_id"]
