"""What a supervisor does with the running demo: class counts, an enterprise's factors, an
inspection task created, drawn and verified from its published seed, a result recorded and
seen in the profile and the public view."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()

RISK = """query($uscc: USCC!) {
  riskDistribution { classes { riskClass count } unassessed total }
  enterprise(uscc: $uscc) { division riskAssessment { riskClass score model
    factors { code description contribution } } } }"""

CREATE = """mutation($division: String!, $today: Date!) {
  createInspectionTask(input: {
    name: "演示双随机抽查", departments: ["汕头市市场监督管理局"], checkItems: ["许可资质"],
    ratios: {a: "1", b: "1", c: "1", d: "1"}, startsOn: $today, endsOn: $today,
    inspectorsPerEnterprise: 2, population: {division: $division} }) { id commitment seed } }"""

DRAW = """mutation($id: ID!) { drawInspectionTask(taskId: $id) { id seed snapshotHash drawnCount
  enterprises(first: 500) { edges { node { uscc inspectors { id } } } } } }"""

RECORD = """mutation($id: ID!, $uscc: USCC!, $today: Date!) {
  recordInspectionResult(taskId: $id, uscc: $uscc, result: RULE_VIOLATION,
                         inspectedOn: $today, text: "未按规定公示许可证") { id reference } }"""

INSPECTIONS = """query($uscc: USCC!) { enterprise(uscc: $uscc) {
  inspections { id reference kind result provenance { source } } } }"""

ROOT = Path(__file__).resolve().parents[2]


def check_supervision(
    post: Any, client: httpx.Client, address: str, token: str, code: str, data_dir: Path
) -> None:
    """`post(client, address, body, headers)` answers a GraphQL request without errors."""
    staff = {"authorization": f"Bearer {token}", "x-purpose": "supervision"}
    risk = post(client, address, {"query": RISK, "variables": {"uscc": code}}, staff)["data"]
    counts = {c["riskClass"]: c["count"] for c in risk["riskDistribution"]["classes"]}
    assert sum(counts.values()) > 0 and set(counts) == {"A", "B", "C", "D"}
    assert sum(counts.values()) + risk["riskDistribution"]["unassessed"] == (
        risk["riskDistribution"]["total"])
    assessment = risk["enterprise"]["riskAssessment"]
    assert assessment is not None and assessment["factors"], risk
    assert all(f["code"] and f["description"] for f in assessment["factors"])

    variables = {"division": risk["enterprise"]["division"], "today": TODAY}
    task = post(client, address, {"query": CREATE, "variables": variables},
                staff)["data"]["createInspectionTask"]
    assert len(task["commitment"]) == 64 and task["seed"] is None
    drawn = post(client, address, {"query": DRAW, "variables": {"id": task["id"]}},
                 staff)["data"]["drawInspectionTask"]
    assert drawn["seed"] and drawn["snapshotHash"] and drawn["drawnCount"] > 0
    nodes = [e["node"] for e in drawn["enterprises"]["edges"]]
    assert all(len(n["inspectors"]) == 2 for n in nodes)
    _check_draw_verifies(task["id"], data_dir)

    chosen = nodes[0]["uscc"]
    record = {"query": RECORD, "variables": {"id": task["id"], "uscc": chosen, "today": TODAY}}
    recorded = post(client, address, record, staff)["data"]["recordInspectionResult"]
    for headers in (staff, {}):  # the bureau's view and the public one
        body = {"query": INSPECTIONS, "variables": {"uscc": chosen}}
        seen = post(client, address, body, headers)["data"]["enterprise"]["inspections"]
        found = [i for i in seen if i["id"] == recorded["id"]]
        assert found and found[0]["kind"] == "RANDOM" and found[0]["result"] == "RULE_VIOLATION"


def _check_draw_verifies(task_id: str, data_dir: Path) -> None:
    """The README's command re-derives the draw against the demo's own (embedded) archive."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "GATEWAY_"))}
    env["GATEWAY_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "draw", "verify", task_id], capture_output=True,
        text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches" in result.stdout, result.stdout
