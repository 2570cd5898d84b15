"""An inspection result that names the penalty it led to is public as long as that penalty's
tier says, and an approved repair of the penalty repairs it too (profile over GraphQL)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import httpx

from gateway.records import InspectionResult
from tests.archive.rows import inspection, put_record
from tests.lists.support import DAY, TODAY, enterprise
from tests.repair.test_api import _general
from tests.schema.conftest import graphql

INSPECTIONS = """
query($uscc: USCC!) { enterprise(uscc: $uscc) {
  inspections { id penaltyNumber publicity { state publicUntil } } } }
"""


async def _inspections(client: httpx.AsyncClient, uscc: str) -> dict[str, Any]:
    body = await graphql(client, INSPECTIONS, {"uscc": uscc})
    assert "errors" not in body, body
    return {i["id"]: i for i in body["data"]["enterprise"]["inspections"]}


async def test_a_linked_result_stays_public_with_its_penalty_and_is_repaired_with_it(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 13)
    number = "汕市监罚〔2026〕41号"
    penalty = await put_record(pool, _general(uscc, number, TODAY - 100 * DAY))
    linked = await put_record(pool, inspection(
        uscc, "JC-41", TODAY - 120 * DAY, result=InspectionResult.RULE_VIOLATION,
        penalty_number=number))
    alone = await put_record(pool, inspection(
        uscc, "JC-42", TODAY - 120 * DAY, result=InspectionResult.RULE_VIOLATION))

    seen = await _inspections(client, uscc)
    assert seen[linked]["penaltyNumber"] == number
    assert seen[linked]["publicity"]["state"] == "PUBLIC"  # a general penalty's year
    assert seen[alone]["publicity"]["state"] == "ENDED"  # 3 months on its own

    now = dt.datetime.now(dt.UTC)
    await pool.execute(
        "INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,"
        " applied_at, accept_due, accepted_at, decided_at, decided_on)"
        " VALUES ($1, $2, $3, 'PENALTY', 'APPROVED', '守信承诺', $4, $5, $4, $4, $5)",
        uuid.uuid4(), uscc, int(penalty), now, TODAY)
    seen = await _inspections(client, uscc)
    assert seen[linked]["publicity"] == {"state": "REPAIRED", "publicUntil": TODAY.isoformat()}
