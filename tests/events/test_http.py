"""creditEvents over HTTP with real tokens and the audit trail on."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from auth.roles import Role
from tests.archive.rows import code, put_record, registration
from tests.auth.conftest import Gateway, bearer, post
from tests.events.support import settled
from tests.lists.support import LIST_ABNORMAL, TODAY

EVENTS = """
query Events($after: String, $first: Int, $usccs: [USCC!]) {
  creditEvents(after: $after, first: $first, usccs: $usccs) {
    edges { cursor node { seq cursor at uscc kind recordKind recordId source version } }
    pageInfo { hasNextPage endCursor } } }
"""

PURPOSE = {"x-purpose": "partner agency supervision"}






def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_a_partner_pages_through_the_feed_audited(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    partner = await bearer(gateway, feed_pool, Role.PARTNER) | PURPOSE
    for n in range(3):
        await put_record(feed_pool, registration(code(100 + n), f"企业{n}"))
    await settled(feed_pool)

    first = await post(gateway, EVENTS, {"first": 2}, partner)
    rest = await post(gateway, EVENTS, {"after": first["data"]["creditEvents"]["pageInfo"][
        "endCursor"]}, partner)

    pages = [first["data"]["creditEvents"], rest["data"]["creditEvents"]]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, False]
    nodes = [e["node"] for p in pages for e in p["edges"]]
    assert [n["uscc"] for n in nodes] == [code(100), code(101), code(102)]
    assert {(n["kind"], n["recordKind"], n["source"], n["version"]) for n in nodes} == {
        ("RECEIVED", "REGISTRATION", "registration", 1)}
    assert all(e["cursor"] == e["node"]["cursor"] for p in pages for e in p["edges"])
    audit = await feed_pool.fetchrow(
        "SELECT usccs, field_groups FROM audit_log WHERE operation = 'Events' "
        "ORDER BY seq DESC LIMIT 1")
    assert audit is not None
    assert list(audit["usccs"]) == [code(102)] and list(audit["field_groups"]) == ["events"]


async def test_a_supervisors_list_decision_is_an_event(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    uscc = code(110)
    await put_record(feed_pool, registration(uscc, "被列入的企业"))
    supervisor = await bearer(gateway, feed_pool, Role.SUPERVISOR) | PURPOSE
    decision = await post(gateway, LIST_ABNORMAL, {
        "uscc": uscc, "ground": "ANNUAL_REPORT_NOT_FILED", "on": TODAY.isoformat(),
        "number": "汕龙市监列异〔2026〕9号"}, supervisor)
    entry_id = decision["data"]["listAbnormal"]["id"]
    await settled(feed_pool)

    body = await post(gateway, EVENTS, {"usccs": [uscc]}, supervisor)

    nodes = [e["node"] for e in body["data"]["creditEvents"]["edges"]]
    assert [(n["kind"], n["recordKind"]) for n in nodes] == [
        ("RECEIVED", "REGISTRATION"), ("LISTED", "LISTING")]
    assert nodes[1]["source"] == "supervision" and nodes[1]["recordId"] == entry_id


@pytest.mark.parametrize("role", [None, Role.PROCUREMENT])
async def test_callers_without_profile_read_are_forbidden(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any], role: Role | None
) -> None:
    headers = PURPOSE if role is None else await bearer(gateway, feed_pool, role) | PURPOSE
    body = await post(gateway, EVENTS, {}, headers)
    assert body["data"] is None and error_codes(body) == ["FORBIDDEN"]
    assert "profile:read" in body["errors"][0]["message"]


async def test_a_partner_without_a_purpose_is_forbidden(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    body = await post(gateway, EVENTS, {}, await bearer(gateway, feed_pool, Role.PARTNER))
    assert body["data"] is None and error_codes(body) == ["FORBIDDEN"]
    assert "purpose" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "variables",
    [{"after": "bm90IGEgY3Vyc29y"}, {"after": ""}, {"first": 0}, {"first": 1001},
     {"first": -5}, {"usccs": []}],
)
async def test_bad_arguments_are_bad_user_input(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any], variables: dict[str, Any]
) -> None:
    partner = await bearer(gateway, feed_pool, Role.PARTNER) | PURPOSE
    body = await post(gateway, EVENTS, variables, partner)
    assert body["data"] is None and error_codes(body) == ["BAD_USER_INPUT"]


async def test_an_invalid_code_is_refused(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    partner = await bearer(gateway, feed_pool, Role.PARTNER) | PURPOSE
    body = await post(gateway, EVENTS, {"usccs": ["not-a-code"]}, partner)
    assert error_codes(body) == ["INVALID_USCC"]
