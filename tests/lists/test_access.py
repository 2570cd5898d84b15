"""Who may decide and who sees what, over HTTP with real tokens and the audit trail on."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest

from auth.roles import Role
from gateway.lists.grounds import AbnormalGround
from gateway.lists.service import ListDecisions
from tests.archive.rows import penalty, put_record
from tests.auth.conftest import Gateway, bearer, post
from tests.lists.support import (
    DAY,
    LIST_ABNORMAL,
    LIST_SERIOUS,
    PROFILE_LISTINGS,
    REMOVE_ABNORMAL,
    REMOVE_SERIOUS_EARLY,
    REVOKE_LISTING,
    TODAY,
    archive_state,
    enterprise,
)

PUBLICITY = """
query Publicity($on: Date) { listings(kind: ABNORMAL_OPERATIONS, activeOn: $on) {
  edges { node { id uscc } } totalCount } }
"""








@pytest.fixture
async def seeded(clean_archive: asyncpg.Pool[Any]) -> tuple[asyncpg.Pool[Any], str, str]:
    """An enterprise with a heavy penalty: the pool, its code and the penalty's id."""
    pool = clean_archive
    await pool.execute("TRUNCATE clients")
    uscc = await enterprise(pool, 7)
    penalty_id = await put_record(pool, penalty(uscc, "汕市监罚〔2026〕8号", TODAY - 5 * DAY))
    return pool, uscc, penalty_id


def _decisions(uscc: str, penalty_id: str) -> list[tuple[str, dict[str, Any]]]:
    on = TODAY.isoformat()
    return [
        (LIST_ABNORMAL, {"uscc": uscc, "ground": "ANNUAL_REPORT_NOT_FILED", "on": on,
                         "number": "汕龙市监列异〔2026〕3号"}),
        (LIST_SERIOUS, {"uscc": uscc, "penalty": penalty_id, "on": on, "number": "x",
                        "reason": "情节严重", "heavy": True, "ends": None}),
        (REMOVE_ABNORMAL, {"id": "1", "on": on, "reason": "已改正"}),
        (REMOVE_SERIOUS_EARLY, {"id": "1", "on": on, "performed": True, "harm": True}),
        (REVOKE_LISTING, {"id": "1"}),
    ]


@pytest.mark.parametrize("role", [None, Role.PARTNER, Role.PROCUREMENT])
async def test_decisions_need_lists_write(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str], role: Role | None
) -> None:
    pool, uscc, penalty_id = seeded
    headers = {} if role is None else await bearer(gateway, pool, role)
    headers["x-purpose"] = "test"
    before = await archive_state(pool)
    for document, variables in _decisions(uscc, penalty_id):
        body = await post(gateway, document, variables, headers)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert "lists:write" in body["errors"][0]["message"]
    assert await archive_state(pool) == before


async def test_a_supervisor_decides_audited_and_the_public_sees_it_at_once(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str]
) -> None:
    pool, uscc, penalty_id = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    document, variables = _decisions(uscc, penalty_id)[0]
    body = await post(gateway, document, variables, supervisor)
    entry_id = body["data"]["listAbnormal"]["id"]
    audit = await pool.fetchrow(
        "SELECT role, usccs, field_groups, operation FROM audit_log "
        "WHERE operation = 'ListAbnormal' ORDER BY seq DESC LIMIT 1")
    assert audit is not None and audit["role"] == "supervisor"
    assert list(audit["usccs"]) == [uscc] and list(audit["field_groups"]) == ["listDecisions"]
    public = await post(gateway, PROFILE_LISTINGS, {"uscc": uscc}, {})
    assert public["data"]["enterprise"]["listings"] == [
        {"id": entry_id, "kind": "ABNORMAL_OPERATIONS", "active": True, "removedOn": None}]
    publicity = await post(gateway, PUBLICITY, {}, {})
    assert publicity["data"]["listings"] == {
        "edges": [{"node": {"id": entry_id, "uscc": uscc}}], "totalCount": 1}
    removal = {"id": entry_id, "on": TODAY.isoformat(), "reason": "已补报"}
    body = await post(gateway, REMOVE_ABNORMAL, removal, supervisor)
    assert body["data"]["removeAbnormal"]["active"] is False
    public = await post(gateway, PROFILE_LISTINGS, {"uscc": uscc}, {})
    assert public["data"]["enterprise"]["listings"] == []
    assert (await post(gateway, PUBLICITY, {}, {}))["data"]["listings"]["totalCount"] == 0


async def test_a_refused_decision_is_audited_too(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str]
) -> None:
    pool, uscc, _ = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    variables = {"uscc": uscc, "ground": "ANNUAL_REPORT_NOT_FILED",
                 "on": (TODAY + DAY).isoformat(), "number": "x"}
    body = await post(gateway, LIST_ABNORMAL, variables, supervisor)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    usccs = await pool.fetchval(
        "SELECT usccs FROM audit_log WHERE operation = 'ListAbnormal' ORDER BY seq DESC LIMIT 1")
    assert list(usccs) == [uscc]


async def test_the_publicity_is_public_but_a_past_day_needs_the_full_view(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str]
) -> None:
    pool, uscc, penalty_id = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    document, variables = _decisions(uscc, penalty_id)[0]
    await post(gateway, document, variables, supervisor)
    yesterday = {"on": (TODAY - DAY).isoformat()}
    public = await post(gateway, PUBLICITY, yesterday, {})
    assert public["data"] is None
    assert public["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    tomorrow = await post(gateway, PUBLICITY, {"on": (TODAY + DAY).isoformat()}, {})
    assert tomorrow["data"]["listings"]["totalCount"] == 1
    partner = await bearer(gateway, pool, Role.PARTNER)
    purpose = {"x-purpose": quote("汕头市政府采购供应商资格审查")}
    answer = await post(gateway, PUBLICITY, yesterday, partner | purpose)
    assert answer["data"]["listings"] == {"edges": [], "totalCount": 0}
    without_purpose = await post(gateway, PUBLICITY, yesterday, partner)
    assert without_purpose["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    audit = await pool.fetchrow(
        "SELECT role, usccs, field_groups FROM audit_log WHERE operation = 'Publicity' "
        "AND role = 'public' ORDER BY seq DESC LIMIT 1")
    assert audit is not None and list(audit["usccs"]) == [uscc]
    assert list(audit["field_groups"]) == ["listings"]


async def test_a_decision_over_get_is_refused_before_anything_runs(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str]
) -> None:
    pool, uscc, penalty_id = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    document, variables = _decisions(uscc, penalty_id)[0]
    before = await archive_state(pool)
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.get("/graphql", headers=supervisor, params={
            "query": document, "variables": json.dumps(variables)})
    assert response.status_code == 405
    assert await archive_state(pool) == before


async def _audit_rows(pool: asyncpg.Pool[Any], operation: str) -> list[Any]:
    return list(await pool.fetch(
        "SELECT request_id, usccs, field_groups FROM audit_log WHERE operation = $1 "
        "ORDER BY seq", operation))


async def test_a_taken_decision_commits_with_its_own_audit_row(
    gateway: Gateway, seeded: tuple[asyncpg.Pool[Any], str, str]
) -> None:
    pool, uscc, _ = seeded
    supervisor = await bearer(gateway, pool, Role.SUPERVISOR)
    document, variables = _decisions(uscc, "0")[0]
    named = document.replace("mutation ListAbnormal", "mutation ListAbnormalTwice")
    body = await post(gateway, named, variables, supervisor)
    assert body["data"]["listAbnormal"]["active"] is True
    decision, request = await _audit_rows(pool, "ListAbnormalTwice")
    assert decision["request_id"] == request["request_id"]
    assert list(decision["usccs"]) == [uscc] == list(request["usccs"])
    refused = await post(gateway, named, variables, supervisor)  # listed already
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(await _audit_rows(pool, "ListAbnormalTwice")) == 3  # the request's row only


async def test_a_failing_audit_row_leaves_the_decision_untaken(
    seeded: tuple[asyncpg.Pool[Any], str, str]
) -> None:
    pool, uscc, _ = seeded

    async def failing(conn: Any, code: str) -> None:
        raise RuntimeError(f"audit of {code} failed")

    decisions = ListDecisions(pool, "汕头市市场监督管理局", on_decision=failing)
    before = await archive_state(pool)
    with pytest.raises(RuntimeError, match="audit of"):
        await decisions.list_abnormal(uscc, AbnormalGround.ANNUAL_REPORT_NOT_FILED, TODAY,
                                      "汕龙市监列异〔2026〕9号", TODAY)
    assert await archive_state(pool) == before
