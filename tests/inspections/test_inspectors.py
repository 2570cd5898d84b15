"""The inspector directory over GraphQL (access control off): add, update, deactivate, list,
and every bad input refused naming the field."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import httpx
import pytest

from tests.inspections.support import (
    ACTIVATE,
    ADD_INSPECTOR,
    CREATE,
    DEACTIVATE,
    DRAW,
    INSPECTORS,
    UPDATE_INSPECTOR,
    data,
    enterprises,
    refused,
    run,
    task_input,
)

DETAILS = {"name": "林小红", "department": "汕头市市场监督管理局", "division": "440507",
           "qualifications": ["食品", "特种设备"]}


async def test_inspectors_are_added_updated_deactivated_and_listed(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    added = data(await run(client, ADD_INSPECTOR, {"id": "4405-0001", "input": DETAILS}),
                 "addInspector")
    assert added == {"id": "4405-0001", "name": "林小红", "department": "汕头市市场监督管理局",
                     "division": "440507", "qualifications": ["食品", "特种设备"],
                     "active": True, "conflicts": []}
    await run(client, ADD_INSPECTOR, {"id": "4405-0002", "input": DETAILS | {"name": "王强"}})
    changed = data(await run(client, UPDATE_INSPECTOR, {
        "id": "4405-0001", "input": DETAILS | {"department": "汕头市卫生健康局",
                                               "qualifications": []}}), "updateInspector")
    assert changed["department"] == "汕头市卫生健康局" and changed["qualifications"] == []
    off = data(await run(client, DEACTIVATE, {"id": "4405-0002"}), "deactivateInspector")
    assert off["active"] is False
    everyone = data(await run(client, INSPECTORS, {}), "inspectors")
    assert [i["id"] for i in everyone["nodes"]] == ["4405-0001", "4405-0002"]
    active = data(await run(client, INSPECTORS, {"active": True}), "inspectors")
    assert [i["id"] for i in active["nodes"]] == ["4405-0001"]
    health = data(await run(client, INSPECTORS, {"department": "汕头市卫生健康局"}), "inspectors")
    assert [i["id"] for i in health["nodes"]] == ["4405-0001"]
    page = data(await run(client, INSPECTORS, {"first": 1}), "inspectors")
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": "4405-0001"}
    rest = data(await run(client, INSPECTORS, {"after": "4405-0001"}), "inspectors")
    assert [i["id"] for i in rest["nodes"]] == ["4405-0002"]
    assert rest["pageInfo"]["hasNextPage"] is False
    on = data(await run(client, ACTIVATE, {"id": "4405-0002"}), "activateInspector")
    assert on["active"] is True
    active = data(await run(client, INSPECTORS, {"active": True}), "inspectors")
    assert [i["id"] for i in active["nodes"]] == ["4405-0001", "4405-0002"]


@pytest.mark.parametrize(
    ("document", "variables", "message"),
    [
        (ADD_INSPECTOR, {"id": "has space", "input": DETAILS}, "id: expected 1 to 40"),
        (ADD_INSPECTOR, {"id": "x" * 41, "input": DETAILS}, "id: expected 1 to 40"),
        (ADD_INSPECTOR, {"id": "SY9999\n", "input": DETAILS}, "id: expected 1 to 40"),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"division": "440507\n"}}, "division: "),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"division": "４４０５０７"}},
         "division: "),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"name": ""}}, "name: expected some"),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"department": " "}}, "department:"),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"division": "4405"}}, "division: "),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"qualifications": ["a", "a"]}},
         "qualifications: an item is given twice"),
        (ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"qualifications": ["q"] * 21}},
         "qualifications: expected at most 20"),
        (UPDATE_INSPECTOR, {"id": "NONE", "input": DETAILS}, "id: no inspector NONE"),
        (UPDATE_INSPECTOR, {"id": "NONE", "input": DETAILS | {"division": "x"}}, "division"),
        (DEACTIVATE, {"id": "NONE"}, "id: no inspector NONE"),
        (ACTIVATE, {"id": "NONE"}, "id: no inspector NONE"),
        (INSPECTORS, {"first": 0}, "first: expected 1 to 100"),
        (INSPECTORS, {"first": 101}, "first: expected 1 to 100"),
    ],
)
async def test_bad_inspector_input_is_refused_naming_the_field(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any], document: str,
    variables: dict[str, Any], message: str,
) -> None:
    body = await run(client, document, variables)
    assert re.search(message, refused(body)), body
    assert await empty_inspections.fetchval("SELECT count(*) FROM inspectors") == 0


async def test_an_id_is_taken_once(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    await run(client, ADD_INSPECTOR, {"id": "A1", "input": DETAILS})
    again = await run(client, ADD_INSPECTOR, {"id": "A1", "input": DETAILS | {"name": "别人"}})
    assert "id: an inspector A1 already exists" in refused(again)


async def test_a_deactivated_inspector_is_not_drawn(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> None:
    await enterprises(empty_inspections, "BB")
    for ident in ("A1", "A2", "A3"):
        await run(client, ADD_INSPECTOR, {"id": ident, "input": DETAILS})
    await run(client, DEACTIVATE, {"id": "A2"})
    task = data(await run(client, CREATE, {"input": task_input()}), "createInspectionTask")
    await run(client, DRAW, {"id": task["id"]})
    assigned = await empty_inspections.fetch(
        "SELECT DISTINCT inspector_id FROM inspection_assignments ORDER BY 1")
    assert [r["inspector_id"] for r in assigned] == ["A1", "A3"]
