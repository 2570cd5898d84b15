"""Who may read and decide, over HTTP with real tokens and the audit trail on."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from auth.clients import add_client
from auth.roles import Role, Scope
from gateway.records import KeyArea
from gateway.supervision.refresh import refresh_all
from tests.archive.rows import penalty, put_record
from tests.auth.conftest import Gateway, bearer, get_token, post
from tests.supervision.support import (
    ADD,
    DAY,
    KEY_SUPERVISION,
    MARK,
    REMOVE,
    TODAY,
    TYPICAL_CASES,
    UNMARK,
    enterprise,
    risk,
)


async def last_audit(pool: asyncpg.Pool[Any], operation: str) -> Any:
    return await pool.fetchrow(
        "SELECT role, client_id, usccs, field_groups FROM audit_log WHERE operation = $1"
        " ORDER BY seq DESC LIMIT 1", operation)


def forbidden(body: dict[str, Any], scope: str) -> bool:
    error = body["errors"][0]
    return bool(error["extensions"]["code"] == "FORBIDDEN"
                and error["message"] == f"needs the {scope} scope")


@pytest.mark.parametrize("role", [None, Role.PARTNER, Role.PROCUREMENT, Role.ASSOCIATION])
async def test_the_list_needs_risk_read(
    gateway: Gateway, clean: asyncpg.Pool[Any], role: Role | None
) -> None:
    uscc = await enterprise(clean, 1, key_areas=(KeyArea.FOOD_PRODUCTION,))
    await risk(clean, uscc, "D")
    await refresh_all(clean, TODAY)
    headers = {} if role is None else await bearer(gateway, clean, role, "supervision check")
    body = await post(gateway, KEY_SUPERVISION, {}, headers)
    assert forbidden(body, "risk:read") and body["data"] is None


async def test_a_supervisor_reads_the_list_and_the_read_is_audited(
    gateway: Gateway, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1, key_areas=(KeyArea.FOOD_PRODUCTION,))
    await risk(clean, uscc, "D")
    await refresh_all(clean, TODAY)
    body = await post(gateway, KEY_SUPERVISION, {}, await bearer(gateway, clean, Role.SUPERVISOR))
    assert [e["node"]["uscc"] for e in body["data"]["keySupervision"]["edges"]] == [uscc]
    audit = await last_audit(clean, "KeySupervision")
    assert audit["role"] == "supervisor" and list(audit["usccs"]) == [uscc]
    assert list(audit["field_groups"]) == ["keySupervision"]


async def test_manual_decisions_need_lists_write(
    gateway: Gateway, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    for role in (None, Role.PARTNER, Role.ADMIN):
        headers = {} if role is None else await bearer(gateway, clean, role, "supervision check")
        body = await post(gateway, ADD, {"uscc": uscc, "reason": "投诉集中"}, headers)
        assert forbidden(body, "lists:write")
    # A client given lists:write without risk:read: the answer would name risk-derived grounds.
    async with clean.acquire() as conn:
        narrow = await add_client(conn, "lists only", Role.SUPERVISOR,
                                  frozenset({Scope.LISTS_WRITE}))
    token = await get_token(gateway.url, narrow)
    body = await post(gateway, ADD, {"uscc": uscc, "reason": "投诉集中"},
                      {"authorization": f"Bearer {token}"})
    assert forbidden(body, "risk:read")
    assert await clean.fetchval("SELECT count(*) FROM key_supervision_entries") == 0

    supervisor = await bearer(gateway, clean, Role.SUPERVISOR)
    added = await post(gateway, ADD, {"uscc": uscc, "reason": "投诉集中"}, supervisor)
    entry_id = added["data"]["addKeySupervision"]["id"]
    audit = await last_audit(clean, "Add")
    assert list(audit["usccs"]) == [uscc]
    assert list(audit["field_groups"]) == ["keySupervisionDecisions"]
    started_by = await clean.fetchval("SELECT started_by FROM key_supervision_entries")
    assert started_by == audit["client_id"]
    # One row written with the entry in its transaction, one for the request.
    assert await clean.fetchval(
        "SELECT count(*) FROM audit_log WHERE request_id = (SELECT request_id FROM audit_log"
        " WHERE operation = 'Add' ORDER BY seq DESC LIMIT 1)") == 2

    partner = await bearer(gateway, clean, Role.PARTNER, "supervision check")
    refused = await post(gateway, REMOVE, {"id": entry_id, "reason": "已整改"}, partner)
    assert forbidden(refused, "lists:write")
    removed = await post(gateway, REMOVE, {"id": entry_id, "reason": "已整改"}, supervisor)
    assert removed["data"]["removeKeySupervision"]["endedAt"]
    assert list((await last_audit(clean, "Remove"))["usccs"]) == [uscc]


async def test_typical_cases_are_public_but_marked_by_supervisors(
    gateway: Gateway, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    penalty_id = await put_record(clean, penalty(uscc, "汕市监罚〔2026〕1号", TODAY - 10 * DAY))
    case = {"id": penalty_id, "title": "案例", "summary": "摘要"}
    public = await post(gateway, MARK, case, {})
    assert forbidden(public, "lists:write")
    assert forbidden(await post(gateway, UNMARK, {"id": penalty_id}, {}), "lists:write")

    supervisor = await bearer(gateway, clean, Role.SUPERVISOR)
    marked = await post(gateway, MARK, case, supervisor)
    assert marked["data"]["markTypicalCase"]["penaltyId"] == penalty_id
    assert list((await last_audit(clean, "Mark"))["field_groups"]) == ["typicalCases"]

    listed = await post(gateway, TYPICAL_CASES, {}, {})
    assert [e["node"]["uscc"] for e in listed["data"]["typicalCases"]["edges"]] == [uscc]
    audit = await last_audit(clean, "Cases")
    assert audit["role"] == "public" and list(audit["usccs"]) == [uscc]
