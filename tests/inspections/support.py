"""Seeds and GraphQL documents shared by the inspection tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx

from gateway.clock import utcnow
from gateway.inspections.model import InspectorDetails
from gateway.inspections.service import Inspections
from schema.context import today_in_shanghai
from tests.archive.rows import code, put_record, registration
from tests.schema.conftest import graphql

TODAY = today_in_shanghai()
DAY = dt.timedelta(days=1)
DEPARTMENT = "汕头市市场监督管理局"
AUTHORITY = "汕头市市场监督管理局"

TASK_FIELDS = (
    "id name departments checkItems population { division keyArea industryPrefix statuses } "
    "ratios { a b c d } inspectorsPerEnterprise startsOn endsOn resultsDueOn commitment "
    "createdAt drawnAt seed snapshotHash populationSize floorCount drawnCount"
)
CREATE = f"""
mutation Create($input: InspectionTaskInput!) {{
  createInspectionTask(input: $input) {{ {TASK_FIELDS} }} }}
"""
DRAW = f"mutation Draw($id: ID!) {{ drawInspectionTask(taskId: $id) {{ {TASK_FIELDS} }} }}"
TASK = f"""
query Task($id: ID!, $first: Int, $after: String) {{ inspectionTask(id: $id) {{ {TASK_FIELDS}
  enterprises(first: $first, after: $after) {{
    edges {{ cursor node {{ uscc name resultRecorded }} }} pageInfo {{ hasNextPage endCursor }}
  }} }} }}
"""
ASSIGNMENTS = """
query Assignments($id: ID!) { inspectionTask(id: $id) { enterprises(first: 100) {
  edges { node { uscc riskClass inspectors { id name department } } } } } }
"""
RECORD = """
mutation Record($task: ID!, $uscc: USCC!, $result: InspectionResult!, $on: Date!,
                $text: String) {
  recordInspectionResult(taskId: $task, uscc: $uscc, result: $result, inspectedOn: $on,
                         text: $text) {
    id reference kind inspectedOn authority result resultText
    provenance { source department recordId } } }
"""
PROFILE_INSPECTIONS = """
query($uscc: USCC!) { enterprise(uscc: $uscc) {
  inspections { id reference kind result resultText inspectedOn provenance { source } } } }
"""
OVERDUE = """
query Overdue($first: Int, $after: String) { overdueInspectionResults(first: $first,
  after: $after) { nodes { taskId taskName uscc enterpriseName dueOn inspectedOn publishedOn }
  pageInfo { hasNextPage endCursor } } }
"""
INSPECTOR_FIELDS = "id name department division qualifications active " \
    "conflicts { uscc reason declaredAt }"
ADD_INSPECTOR = f"""
mutation Add($id: ID!, $input: InspectorInput!) {{
  addInspector(id: $id, input: $input) {{ {INSPECTOR_FIELDS} }} }}
"""
UPDATE_INSPECTOR = f"""
mutation Update($id: ID!, $input: InspectorInput!) {{
  updateInspector(id: $id, input: $input) {{ {INSPECTOR_FIELDS} }} }}
"""
DEACTIVATE = f"""
mutation Deactivate($id: ID!) {{ deactivateInspector(id: $id) {{ {INSPECTOR_FIELDS} }} }}
"""
ACTIVATE = f"""
mutation Activate($id: ID!) {{ activateInspector(id: $id) {{ {INSPECTOR_FIELDS} }} }}
"""
CONFLICT = f"""
mutation Conflict($id: ID!, $uscc: USCC!, $reason: String!) {{
  declareInspectorConflict(inspectorId: $id, uscc: $uscc, reason: $reason) {{
    {INSPECTOR_FIELDS} }} }}
"""
INSPECTORS = f"""
query Inspectors($department: String, $active: Boolean, $first: Int, $after: String) {{
  inspectors(department: $department, active: $active, first: $first, after: $after) {{
    nodes {{ {INSPECTOR_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}
"""


def task_input(**changes: Any) -> dict[str, Any]:
    """A valid task (every enterprise of class B drawn by default), with `changes`."""
    values: dict[str, Any] = {
        "name": "2026年食品生产企业双随机抽查",
        "departments": [DEPARTMENT],
        "checkItems": ["食品生产许可情况", "进货查验记录"],
        "ratios": {"a": "0.05", "b": "1", "c": "0.5", "d": "1"},
        "startsOn": TODAY.isoformat(),
        "endsOn": (TODAY + 30 * DAY).isoformat(),
        "inspectorsPerEnterprise": 2,
    }
    return values | changes


async def enterprises(
    pool: asyncpg.Pool[Any], classes: str, start: int = 1, **fields: Any
) -> list[str]:
    """One operating enterprise per letter of `classes` ('-': no risk assessment); codes."""
    codes = []
    for n, cls in enumerate(classes, start):
        uscc = code(n)
        await put_record(pool, registration(uscc, f"汕头市抽查{n}号食品有限公司", **fields))
        if cls != "-":
            await pool.execute(
                "INSERT INTO risk_assessments (uscc, risk_class, score, model, assessed_at,"
                " factors) VALUES ($1, $2, 0.5, 'test@1', now(), '[]')",
                uscc, cls,
            )
        codes.append(uscc)
    return codes


async def inspectors(
    pool: asyncpg.Pool[Any], count: int, department: str = DEPARTMENT, prefix: str = "SY"
) -> list[str]:
    """Active inspectors of `department`; their ids."""
    service = Inspections(pool, AUTHORITY)
    ids = [f"{prefix}{n:04d}" for n in range(1, count + 1)]
    for ident in ids:
        details = InspectorDetails(f"检查员{ident}", department, "440507", ("食品",))
        await service.add_inspector(ident, details, utcnow())
    return ids


async def run(client: httpx.AsyncClient, document: str, variables: dict[str, Any]
              ) -> dict[str, Any]:
    return await graphql(client, document, variables)


def data(body: dict[str, Any], field: str) -> Any:
    assert "errors" not in body, body
    return body["data"][field]


def refused(body: dict[str, Any]) -> str:
    """The message of a refused step (BAD_USER_INPUT, no data)."""
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message


async def created_and_drawn(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    task = data(await run(client, CREATE, {"input": task_input(**changes)}),
                "createInspectionTask")
    drawn: dict[str, Any] = data(await run(client, DRAW, {"id": task["id"]}),
                                 "drawInspectionTask")
    return drawn
