"""Credit repair over HTTP with real tokens and the audit trail on: who may take the steps,
refusals that write nothing, and the public view changing at the approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from auth.roles import Role
from gateway.clock import utcnow
from gateway.repair.service import CreditRepairs
from tests.archive.rows import penalty, put_record
from tests.auth.conftest import Gateway, bearer, post
from tests.lists.support import DAY, TODAY, enterprise

REPAIR = (
    "id uscc targetId targetKind status acceptDue decideDue complex updateDue decidedBy "
    "decisionReason revocationReason refusalPublicUntil overdue proofRefs"
)
APPLY = f"""
mutation ApplyRepair($uscc: USCC!, $target: ID!, $text: String!, $proofs: [String!]!) {{
  applyCreditRepair(uscc: $uscc, targetId: $target, commitmentText: $text,
                    proofRefs: $proofs) {{ {REPAIR} }} }}
"""
ACCEPT = f"mutation AcceptRepair($id: ID!) {{ acceptCreditRepair(id: $id) {{ {REPAIR} }} }}"
DECIDE = f"""
mutation DecideRepair($id: ID!, $outcome: RepairOutcome!, $reason: String!) {{
  decideCreditRepair(id: $id, outcome: $outcome, reason: $reason) {{ {REPAIR} }} }}
"""
REVOKE = f"""
mutation RevokeRepair($id: ID!, $reason: String!) {{
  revokeCreditRepair(id: $id, reason: $reason) {{ {REPAIR} }} }}
"""
LIST = f"""
query Repairs($status: RepairStatus, $overdue: Boolean, $first: Int, $after: String) {{
  creditRepairs(status: $status, overdue: $overdue, first: $first, after: $after) {{
    edges {{ cursor node {{ {REPAIR} }} }} pageInfo {{ hasNextPage endCursor }} }} }}
"""
PENALTIES = """
query($uscc: USCC!) { enterprise(uscc: $uscc) {
  penalties { id publicity { state publishedOn publicUntil } } } }
"""








def _general(uscc: str, number: str, on: dt.date, **fields: Any) -> Any:
    values = {"violation": "虚假宣传", "legal_basis": "《反不正当竞争法》第二十条"}
    return penalty(uscc, number, on, **(values | fields))


@pytest.fixture
async def seeded(clean_archive: asyncpg.Pool[Any]) -> tuple[asyncpg.Pool[Any], str, str, str]:
    """An enterprise with a general penalty repairable today and a minor one: the pool, its
    code and the penalties' ids."""
    pool = clean_archive
    await pool.execute("TRUNCATE clients")
    uscc = await enterprise(pool, 11)
    general = await put_record(pool, _general(uscc, "汕市监罚〔2026〕21号", TODAY - 150 * DAY))
    minor = await put_record(pool, _general(uscc, "汕市监罚〔2026〕22号", TODAY - 20 * DAY,
                                            violation="未按规定标价", legal_basis=None,
                                            fine_amount=Decimal("3000")))
    return pool, uscc, general, minor


def _apply(uscc: str, target: str) -> dict[str, Any]:
    return {"uscc": uscc, "target": target, "text": "本企业承诺守法诚信经营",
            "proofs": ["整改报告-2026-001"]}


def _data(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][field]
    return result


def _refused(body: dict[str, Any], words: str) -> None:
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert words in error["message"], error


REVOCATIONS = """
query($uscc: USCC!) { enterprise(uscc: $uscc) {
  repairRevocations { recordId revokedOn publicUntil } } }
"""


async def _count(pool: asyncpg.Pool[Any]) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM credit_repairs")
    return count


async def _public_penalties(gateway: Gateway, uscc: str) -> list[str]:
    body = await post(gateway, PENALTIES, {"uscc": uscc}, {})
    return [p["id"] for p in _data(body, "enterprise")["penalties"]]


async def test_an_approval_hides_the_penalty_from_the_public_at_once_and_fraud_restores_it(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str, str]
) -> None:
    pool, uscc, general, _ = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR, 'test')
    assert general in await _public_penalties(gateway, uscc)
    applied = _data(await post(gateway, APPLY, _apply(uscc, general), supervisor),
                    "applyCreditRepair")
    assert applied["status"] == "APPLIED" and applied["targetKind"] == "PENALTY"
    assert applied["acceptDue"] > TODAY.isoformat() and applied["overdue"] is False
    repair_id = applied["id"]
    accepted = _data(await post(gateway, ACCEPT, {"id": repair_id}, supervisor),
                     "acceptCreditRepair")
    assert accepted["status"] == "ACCEPTED" and accepted["decideDue"] > applied["acceptDue"]
    extended = _data(await post(gateway, DECIDE, {"id": repair_id, "outcome": "EXTEND",
                                                   "reason": "需核查"}, supervisor),
                     "decideCreditRepair")
    assert extended["complex"] is True and extended["decideDue"] > accepted["decideDue"]
    _refused(await post(gateway, DECIDE, {"id": repair_id, "outcome": "EXTEND",
                                           "reason": "再次"}, supervisor), "already marked")
    assert general in await _public_penalties(gateway, uscc)
    approved = _data(await post(gateway, DECIDE, {"id": repair_id, "outcome": "APPROVE",
                                                   "reason": "符合条件"}, supervisor),
                     "decideCreditRepair")
    assert approved["status"] == "APPROVED" and approved["updateDue"] > TODAY.isoformat()
    assert approved["decidedBy"]
    assert general not in await _public_penalties(gateway, uscc)
    full = await post(gateway, PENALTIES, {"uscc": uscc}, supervisor)
    [seen] = [p for p in _data(full, "enterprise")["penalties"] if p["id"] == general]
    assert seen["publicity"]["state"] == "REPAIRED"
    assert seen["publicity"]["publicUntil"] == TODAY.isoformat()
    revoked = _data(await post(gateway, REVOKE, {"id": repair_id, "reason": "提供虚假材料"},
                                supervisor), "revokeCreditRepair")
    assert revoked["status"] == "REVOKED" and revoked["refusalPublicUntil"] is not None
    assert general in await _public_penalties(gateway, uscc)
    full = await post(gateway, PENALTIES, {"uscc": uscc}, supervisor)
    [seen] = [p for p in _data(full, "enterprise")["penalties"] if p["id"] == general]
    assert seen["publicity"]["publishedOn"] == TODAY.isoformat()
    _refused(await post(gateway, APPLY, _apply(uscc, general), supervisor),
             "revoked for fraud")
    published = _data(await post(gateway, REVOCATIONS, {"uscc": uscc}, {}), "enterprise")
    assert published["repairRevocations"] == [{
        "recordId": general, "revokedOn": TODAY.isoformat(),
        "publicUntil": revoked["refusalPublicUntil"],
    }]


async def test_refusals_write_nothing_and_are_audited(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str, str]
) -> None:
    pool, uscc, general, minor = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR, 'test')
    _refused(await post(gateway, APPLY, _apply(uscc, minor), supervisor), "not needed")
    bad_inputs = [
        (_apply(uscc, general) | {"text": "  "}, "commitmentText"),
        (_apply(uscc, general) | {"proofs": []}, "proofRefs"),
        (_apply(uscc, general) | {"target": "abc"}, "not an archive id"),
        (_apply(uscc, general) | {"target": "99999999"}, "is not a record of"),
    ]
    for variables, words in bad_inputs:
        _refused(await post(gateway, APPLY, variables, supervisor), words)
    assert await _count(pool) == 0
    _data(await post(gateway, APPLY, _apply(uscc, general), supervisor), "applyCreditRepair")
    _refused(await post(gateway, APPLY, _apply(uscc, general), supervisor), "still open")
    assert await _count(pool) == 1
    _refused(await post(gateway, ACCEPT, {"id": "not-a-uuid"}, supervisor), "id:")
    audit = await pool.fetchrow(
        "SELECT role, usccs, field_groups FROM audit_log WHERE operation = 'ApplyRepair' "
        "ORDER BY seq DESC LIMIT 1")
    assert audit is not None and audit["role"] == "supervisor"
    assert list(audit["usccs"]) == [uscc] and list(audit["field_groups"]) == ["creditRepairs"]


@pytest.mark.parametrize("role", [None, Role.PARTNER, Role.PROCUREMENT])
async def test_steps_and_the_list_need_repair_write(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str, str], role: Role | None
) -> None:
    pool, uscc, general, _ = seeded
    headers = {} if role is None else await bearer(gateway, pool, role, 'test')
    steps = [(APPLY, _apply(uscc, general)), (ACCEPT, {"id": "1"}),
             (DECIDE, {"id": "1", "outcome": "APPROVE", "reason": "x"}),
             (REVOKE, {"id": "1", "reason": "x"}), (LIST, {})]
    for document, variables in steps:
        body = await post(gateway, document, variables, headers)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert "repair:write" in body["errors"][0]["message"]
    assert await _count(pool) == 0


async def test_supervisors_list_applications_by_status_and_see_the_overdue_ones(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str, str]
) -> None:
    pool, uscc, general, _ = seeded
    other = await put_record(pool, _general(uscc, "汕市监罚〔2026〕23号", TODAY - 200 * DAY,
                                            violation="商标侵权", legal_basis="《商标法》"))
    repairs = CreditRepairs(pool)
    # Applied 30 days ago and never accepted: past its 2 working days.
    late = await repairs.apply(uscc, other, "承诺", ["证明"], by="t",
                               now=utcnow() - dt.timedelta(days=30))
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR, 'test')
    fresh = _data(await post(gateway, APPLY, _apply(uscc, general), supervisor),
                  "applyCreditRepair")
    overdue = _data(await post(gateway, LIST, {"overdue": True}, supervisor), "creditRepairs")
    assert [e["node"]["id"] for e in overdue["edges"]] == [str(late.id)]
    assert overdue["edges"][0]["node"]["overdue"] is True
    on_time = _data(await post(gateway, LIST, {"overdue": False}, supervisor), "creditRepairs")
    assert [e["node"]["id"] for e in on_time["edges"]] == [fresh["id"]]
    first = _data(await post(gateway, LIST, {"status": "APPLIED", "first": 1}, supervisor),
                  "creditRepairs")
    assert [e["node"]["id"] for e in first["edges"]] == [fresh["id"]]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = _data(await post(gateway, LIST, {"status": "APPLIED", "first": 1,
                                               "after": after}, supervisor), "creditRepairs")
    assert [e["node"]["id"] for e in second["edges"]] == [str(late.id)]
    assert second["pageInfo"]["hasNextPage"] is False
    none = _data(await post(gateway, LIST, {"status": "APPROVED"}, supervisor),
                 "creditRepairs")
    assert none["edges"] == []
    for bad in ({"first": 0}, {"first": 101}, {"after": "bm90IGEgY3Vyc29y"}):
        _refused(await post(gateway, LIST, bad, supervisor), "")
