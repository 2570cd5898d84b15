"""Tasks over GraphQL (access control off): every field checked, the commitment published at
creation, the draw publishing seed and snapshot hash, and the draw's refusals."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import asyncpg
import httpx
import pytest

from tests.archive.rows import code
from tests.inspections.support import (
    ASSIGNMENTS,
    CONFLICT,
    CREATE,
    DAY,
    DRAW,
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

BAD_INPUTS = [
    ({"name": "  "}, "name: expected some text"),
    ({"name": "x" * 201}, "name: expected at most 200"),
    ({"departments": []}, "departments: expected at least one"),
    ({"departments": ["a", "a"]}, "departments: an item is given twice"),
    ({"departments": [""]}, r"departments\[0\]: expected some text"),
    ({"checkItems": []}, "checkItems: expected at least one"),
    ({"checkItems": ["ok", " "]}, r"checkItems\[1\]: expected some text"),
    ({"ratios": {"a": "1.5", "b": "0", "c": "0", "d": "0"}}, "ratios.a: expected a ratio"),
    ({"ratios": {"a": "0", "b": "-0.1", "c": "0", "d": "0"}}, "ratios.b: expected a ratio"),
    ({"ratios": {"a": "0", "b": "0.12345", "c": "0", "d": "1"}}, "ratios.b: expected at most 4"),
    ({"ratios": {"a": "0", "b": "0", "c": "2", "d": "0"}}, "ratios.c: expected a ratio"),
    ({"ratios": {"a": "0", "b": "0", "c": "0", "d": "1.01"}}, "ratios.d: expected a ratio"),
    ({"ratios": {"a": "0.01", "b": "0.02", "c": "0.029", "d": "0.0299"}},
     "ratios: every ratio is under 0.03"),
    ({"ratios": {"a": "0.01", "b": 0.5, "c": "0", "d": "0"}}, "Decimal must be a string"),
    ({"inspectorsPerEnterprise": 1}, "inspectorsPerEnterprise: expected 2 to 10"),
    ({"inspectorsPerEnterprise": 11}, "inspectorsPerEnterprise: expected 2 to 10"),
    ({"startsOn": (TODAY + 5 * DAY).isoformat(), "endsOn": (TODAY + 4 * DAY).isoformat()},
     "endsOn: .* is before startsOn"),
    ({"startsOn": (TODAY - 9 * DAY).isoformat(), "endsOn": (TODAY - DAY).isoformat()},
     "endsOn: .* has passed"),
    ({"endsOn": (TODAY + 400 * DAY).isoformat()}, "endsOn: the window may last at most 366"),
    ({"startsOn": "2026-02-30"}, "invalid Date"),
    ({"population": {"division": "4405X"}}, "population.division: expected 2, 4 or 6 digits"),
    ({"population": {"division": "44050"}}, "population.division"),
    ({"population": {"industryPrefix": "c14"}}, "population.industryPrefix"),
    ({"population": {"industryPrefix": "C%"}}, "population.industryPrefix"),
    ({"population": {"statuses": []}}, "population.statuses: expected at least one"),
    ({"population": {"statuses": ["OPERATING", "OPERATING"]}}, "population.statuses: a status"),
    ({"population": {"keyArea": "BOILERS"}}, "BOILERS"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUTS)
async def test_bad_task_input_is_refused_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any], changes: dict[str, Any],
    message: str,
) -> None:
    body = await run(client, CREATE, {"input": task_input(**changes)})
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert re.search(message, error["message"]), error["message"]
    assert await empty_inspections.fetchval("SELECT count(*) FROM inspection_tasks") == 0


async def test_a_task_publishes_its_commitment_then_its_seed_and_snapshot_hash_at_the_draw(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    await enterprises(pool, "AABBBCD-")
    await inspectors(pool, 4)
    created = data(await run(client, CREATE, {"input": task_input()}), "createInspectionTask")
    assert created["seed"] is None and created["snapshotHash"] is None
    assert created["drawnCount"] == 0 and len(created["commitment"]) == 64
    assert created["population"] == {"division": None, "keyArea": None, "industryPrefix": None,
                                     "statuses": ["OPERATING"]}
    assert created["ratios"] == {"a": "0.05", "b": "1.00", "c": "0.50", "d": "1.00"}
    before = data(await run(client, TASK, {"id": created["id"]}), "inspectionTask")
    assert before["enterprises"]["edges"] == []
    drawn = data(await run(client, DRAW, {"id": created["id"]}), "drawInspectionTask")
    assert hashlib.sha256(bytes.fromhex(drawn["seed"])).hexdigest() == created["commitment"]
    assert drawn["commitment"] == created["commitment"]
    assert drawn["populationSize"] == 8 and drawn["floorCount"] == 1
    # A: ceil(0.05 x 2) = 1; B (three, and one without assessment): 4; C: ceil(0.5) = 1; D: 1.
    assert drawn["drawnCount"] == 7
    snapshot = await pool.fetchval("SELECT encoding FROM inspection_snapshots")
    assert hashlib.sha256(snapshot).hexdigest() == drawn["snapshotHash"]
    assert snapshot.count(b"\nE,") + 1 == 8 and snapshot.count(b"\nI,") == 4


async def test_drawn_enterprises_page_by_code(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    codes = await enterprises(empty_inspections, "BBBBB")
    await inspectors(empty_inspections, 2)
    task = await created_and_drawn(client)
    page = data(await run(client, TASK, {"id": task["id"], "first": 3}), "inspectionTask")
    assert [e["node"]["uscc"] for e in page["enterprises"]["edges"]] == sorted(codes)[:3]
    assert page["enterprises"]["pageInfo"] == {"hasNextPage": True, "endCursor": sorted(codes)[2]}
    rest = data(await run(client, TASK, {"id": task["id"], "after": sorted(codes)[2]}),
                "inspectionTask")
    assert [e["node"]["uscc"] for e in rest["enterprises"]["edges"]] == sorted(codes)[3:]
    bad = await run(client, TASK, {"id": task["id"], "after": "x'; --"})
    assert "after: not a cursor" in bad["errors"][0]["message"]
    assert data(await run(client, TASK, {"id": "999"}), "inspectionTask") is None
    wrong = await run(client, TASK, {"id": "abc"})
    assert wrong["data"] == {"inspectionTask": None}
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "id: not a task id" in wrong["errors"][0]["message"]


async def test_the_population_filter_chooses_whom_to_draw(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    food = await enterprises(pool, "BB", industry="C1391")
    await enterprises(pool, "BB", start=3, industry="F5123")
    await enterprises(pool, "B", start=5, industry="C1391", status="SUSPENDED")
    await inspectors(pool, 2)
    task = await created_and_drawn(client, population={"industryPrefix": "C13"})
    assert task["populationSize"] == 2
    listed = data(await run(client, TASK, {"id": task["id"]}), "inspectionTask")
    assert sorted(e["node"]["uscc"] for e in listed["enterprises"]["edges"]) == sorted(food)


async def test_a_draw_is_never_repeated(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    await enterprises(empty_inspections, "BB")
    await inspectors(empty_inspections, 2)
    task = await created_and_drawn(client)
    assert "was already drawn" in refused(await run(client, DRAW, {"id": task["id"]}))


async def test_fewer_than_two_eligible_inspectors_refuses_the_draw(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    await enterprises(pool, "BB")
    await inspectors(pool, 1)
    await inspectors(pool, 3, department="汕头市卫生健康局", prefix="WJ")
    task = data(await run(client, CREATE, {"input": task_input()}), "createInspectionTask")
    message = refused(await run(client, DRAW, {"id": task["id"]}))
    assert "only 1 eligible inspectors" in message and "needs 2" in message
    assert (await pool.fetchval("SELECT drawn_at FROM inspection_tasks")) is None
    assert await pool.fetchval("SELECT count(*) FROM inspection_draw_entries") == 0
    joint = task_input(departments=["汕头市市场监督管理局", "汕头市卫生健康局"])
    task = data(await run(client, CREATE, {"input": joint}), "createInspectionTask")
    assert data(await run(client, DRAW, {"id": task["id"]}), "drawInspectionTask")[
        "drawnCount"] == 2


async def test_an_enterprise_left_with_one_inspector_by_conflicts_is_named(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    codes = await enterprises(pool, "BBB")
    ids = await inspectors(pool, 3)
    for ident in ids[:2]:
        body = await run(client, CONFLICT, {"id": ident, "uscc": codes[1], "reason": "亲属持股"})
        assert data(body, "declareInspectorConflict")["conflicts"][0]["uscc"] == codes[1]
    task = data(await run(client, CREATE, {"input": task_input()}), "createInspectionTask")
    message = refused(await run(client, DRAW, {"id": task["id"]}))
    assert f"fewer than 2 eligible inspectors without a conflict for 1 enterprises of the " \
           f"population: {codes[1]}" in message


async def test_a_conflicted_inspector_is_never_assigned(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    codes = await enterprises(pool, "B" * 12)
    ids = await inspectors(pool, 4)
    conflicted = {codes[0]: ids[0], codes[5]: ids[2], codes[11]: ids[3]}
    for uscc, ident in conflicted.items():
        await run(client, CONFLICT, {"id": ident, "uscc": uscc, "reason": "曾任该企业顾问"})
    task = await created_and_drawn(client)
    body = data(await run(client, ASSIGNMENTS, {"id": task["id"]}), "inspectionTask")
    assigned = {e["node"]["uscc"]: [i["id"] for i in e["node"]["inspectors"]]
                for e in body["enterprises"]["edges"]}
    assert len(assigned) == 12 and all(len(v) == 2 for v in assigned.values())
    for uscc, ident in conflicted.items():
        assert ident not in assigned[uscc]


async def test_a_draw_after_the_window_or_of_an_empty_population_is_refused(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    pool = empty_inspections
    await inspectors(pool, 2)
    task = data(await run(client, CREATE, {"input": task_input()}), "createInspectionTask")
    assert "population of task" in refused(await run(client, DRAW, {"id": task["id"]}))
    await enterprises(pool, "B")
    await pool.execute("UPDATE inspection_tasks SET starts_on = $1, ends_on = $1",
                       TODAY - 2 * DAY)
    assert "window of task" in refused(await run(client, DRAW, {"id": task["id"]}))
    assert "no inspection task 77" in refused(await run(client, DRAW, {"id": "77"}))
    assert "taskId: not a task id" in refused(await run(client, DRAW, {"id": "-1"}))


async def test_conflicts_are_declared_only_for_known_inspectors_and_enterprises(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    [uscc] = await enterprises(empty_inspections, "B")
    [ident] = await inspectors(empty_inspections, 1)
    unknown = await run(client, CONFLICT, {"id": "NOPE", "uscc": uscc, "reason": "x"})
    assert "inspectorId: no inspector NOPE" in refused(unknown)
    stranger = await run(client, CONFLICT, {"id": ident, "uscc": code(50), "reason": "x"})
    assert f"uscc: no enterprise {code(50)}" in refused(stranger)
    empty = await run(client, CONFLICT, {"id": ident, "uscc": uscc, "reason": " "})
    assert "reason: expected some text" in refused(empty)
    assert await empty_inspections.fetchval("SELECT count(*) FROM inspector_conflicts") == 0
