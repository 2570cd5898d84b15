"""The public, partner and supervisor views of the same enterprise, over HTTP with real
tokens: what the README's access table promises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest

from auth.keys import SigningKeys
from auth.roles import Role
from auth.tokens import issue_access_token
from gateway.records import InspectionResult, ListKind, PenaltyMeasure, PenaltyProcedure
from schema.context import today_in_shanghai
from tests.archive.rows import (
    code,
    commitment,
    inspection,
    licence,
    listing,
    penalty,
    put_record,
    registration,
)
from tests.auth.conftest import Gateway, get_token, new_client

TODAY = today_in_shanghai()
DAY = dt.timedelta(days=1)
USCC = code(77)

QUERY = """
query Profile($uscc: USCC!) { enterprise(uscc: $uscc) {
  name legalRepresentative legalRepresentativeIdNumber contactPhone address
  licenses { number } penalties { decisionNumber } inspections { reference }
  listings { kind active } commitments { kind } riskAssessment { riskClass }
} }
"""


@pytest.fixture
async def seeded(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    pool = clean_archive
    await pool.execute("TRUNCATE clients")
    await put_record(pool, registration(
        USCC, "汕头市澄海区陈记玩具厂", entity_type="个体工商户", legal_representative="陈大明",
        legal_representative_id_number="44051519800101123X", contact_phone="13812345678",
        address="广东省汕头市澄海区莲下镇槐东村东路8号201房"))
    await put_record(pool, licence(USCC, "SC10644051500011", TODAY - 100 * DAY))
    await put_record(pool, penalty(USCC, "汕澄市监罚〔2026〕1号", TODAY - 30 * DAY))
    await put_record(pool, penalty(USCC, "汕澄市监罚〔2022〕9号", TODAY - 1500 * DAY))
    await put_record(pool, penalty(
        USCC, "汕澄市监简罚〔2026〕3号", TODAY - 20 * DAY, procedure=PenaltyProcedure.SIMPLE,
        measures=(PenaltyMeasure.WARNING,), fine_amount=None))
    await put_record(pool, inspection(USCC, "SJ-NEW", TODAY - 10 * DAY,
                                      result=InspectionResult.RULE_VIOLATION))
    await put_record(pool, inspection(USCC, "SJ-OLD", TODAY - 400 * DAY,
                                      result=InspectionResult.RULE_VIOLATION))
    await put_record(pool, listing(USCC, ListKind.ABNORMAL_OPERATIONS, TODAY - 50 * DAY))
    await put_record(pool, listing(USCC, ListKind.ABNORMAL_OPERATIONS, TODAY - 900 * DAY,
                                   removed_on=TODAY - 800 * DAY))
    await put_record(pool, commitment(USCC, TODAY - 5 * DAY))
    return pool


async def _profile(gateway: Gateway, headers: dict[str, str]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post("/graphql", json={"query": QUERY, "variables": {"uscc": USCC}},
                                   headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> dict[tuple[str, ...], str]:
    return {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}


async def test_the_public_sees_what_is_under_publicity_and_no_personal_data(
    gateway: Gateway, seeded: asyncpg.Pool[Any]
) -> None:
    body = await _profile(gateway, {})
    e = body["data"]["enterprise"]
    assert e["legalRepresentative"] == "陈大明"
    assert e["legalRepresentativeIdNumber"] == "440515********123X"
    assert e["contactPhone"] == "138****5678"
    assert e["address"] == "广东省汕头市澄海区****"
    assert [p["decisionNumber"] for p in e["penalties"]] == ["汕澄市监罚〔2026〕1号"]
    assert [i["reference"] for i in e["inspections"]] == ["SJ-NEW"]
    assert e["listings"] == [{"kind": "ABNORMAL_OPERATIONS", "active": True}]
    assert len(e["licenses"]) == 1 and len(e["commitments"]) == 1
    assert e["riskAssessment"] is None
    assert _codes(body) == {("enterprise", "riskAssessment"): "FORBIDDEN"}


async def test_a_partner_sees_every_record_for_a_stated_purpose(
    gateway: Gateway, seeded: asyncpg.Pool[Any]
) -> None:
    token = await get_token(gateway.url, await new_client(seeded, Role.PARTNER))
    purpose = {"x-purpose": quote("汕头市政府采购供应商资格审查")}
    body = await _profile(gateway, {"authorization": f"Bearer {token}", **purpose})
    e = body["data"]["enterprise"]
    assert len(e["penalties"]) == 3 and len(e["inspections"]) == 2 and len(e["listings"]) == 2
    assert e["legalRepresentativeIdNumber"] == "440515********123X", "partners get no personal data"
    assert _codes(body) == {("enterprise", "riskAssessment"): "FORBIDDEN"}
    rows = await seeded.fetch(
        "SELECT purpose, role, usccs, field_groups, operation FROM audit_log "
        "WHERE client_id IS NOT NULL AND $1 = ANY(usccs) ORDER BY seq DESC LIMIT 1", USCC)
    assert rows[0]["purpose"] == "汕头市政府采购供应商资格审查" and rows[0]["role"] == "partner"
    assert rows[0]["operation"] == "Profile"
    assert {"penalties", "personal", "risk", "registration"} <= set(rows[0]["field_groups"])


async def test_a_partner_without_a_purpose_is_refused(
    gateway: Gateway, seeded: asyncpg.Pool[Any]
) -> None:
    token = await get_token(gateway.url, await new_client(seeded, Role.PARTNER))
    body = await _profile(gateway, {"authorization": f"Bearer {token}"})
    assert body["data"] == {"enterprise": None}
    assert _codes(body) == {("enterprise",): "FORBIDDEN"}
    assert "purpose" in body["errors"][0]["message"]


async def test_a_purpose_in_the_token_is_enough(
    gateway: Gateway, seeded: asyncpg.Pool[Any]
) -> None:
    client = await new_client(seeded, Role.PARTNER)
    token = await get_token(gateway.url, client, purpose="行政许可审查")
    body = await _profile(gateway, {"authorization": f"Bearer {token}"})
    assert len(body["data"]["enterprise"]["penalties"]) == 3


async def test_a_supervisor_sees_personal_data_and_risk(
    gateway: Gateway, seeded: asyncpg.Pool[Any]
) -> None:
    token = await get_token(gateway.url, await new_client(seeded, Role.SUPERVISOR))
    body = await _profile(gateway, {"authorization": f"Bearer {token}", "x-purpose": "inspection"})
    e = body["data"]["enterprise"]
    assert e["legalRepresentativeIdNumber"] == "44051519800101123X"
    assert e["contactPhone"] == "13812345678" and e["address"].endswith("201房")
    assert "errors" not in body


@pytest.mark.parametrize(
    ("headers", "status", "code_"),
    [
        ({"authorization": "Bearer not-a-token"}, 401, "UNAUTHENTICATED"),
        ({"authorization": "Basic dXNlcjpwYXNz"}, 401, "UNAUTHENTICATED"),
        ({"authorization": "Bearer"}, 401, "UNAUTHENTICATED"),
        ({"x-purpose": "%FF%FE"}, 400, "BAD_USER_INPUT"),
        ({"x-purpose": "x" * 201}, 400, "BAD_USER_INPUT"),
        ({"x-purpose": "%0A"}, 400, "BAD_USER_INPUT"),
    ],
)
async def test_bad_credentials_and_purposes_are_refused_before_any_data(
    gateway: Gateway, seeded: asyncpg.Pool[Any], headers: dict[str, str], status: int,
    code_: str,
) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post("/graphql", json={"query": QUERY, "variables": {"uscc": USCC}},
                                   headers=headers)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code_
    assert "data" not in response.json()


HISTORY = "query($uscc: USCC!, $at: DateTime) { enterprise(uscc: $uscc, asOf: $at) { name } }"


async def _history(gateway: Gateway, headers: dict[str, str], at: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post(
            "/graphql", json={"query": HISTORY, "variables": {"uscc": USCC, "at": at}},
            headers=headers)
    body: dict[str, Any] = response.json()
    return body


async def test_a_past_state_needs_profile_history(
    gateway: Gateway, seeded: asyncpg.Pool[Any]
) -> None:
    later = dt.datetime(2025, 9, 1, tzinfo=dt.UTC)
    await put_record(seeded, registration(USCC, "汕头市澄海区陈记玩具有限公司",
                                          entity_type="有限责任公司"), received_at=later)
    partner = await get_token(gateway.url, await new_client(seeded, Role.PARTNER))
    procurement = await get_token(gateway.url, await new_client(seeded, Role.PROCUREMENT))
    as_partner = {"authorization": f"Bearer {partner}", "x-purpose": "history"}
    before = await _history(gateway, as_partner, "2025-07-01T00:00:00+08:00")
    assert before == {"data": {"enterprise": {"name": "汕头市澄海区陈记玩具厂"}}}
    now = await _history(gateway, as_partner, "2025-10-01T00:00:00Z")
    assert now["data"]["enterprise"]["name"] == "汕头市澄海区陈记玩具有限公司"
    assert (await _history(gateway, as_partner, "2020-01-01T00:00:00Z"))["data"] == {
        "enterprise": None}
    for headers in ({}, {"authorization": f"Bearer {procurement}"}):
        refused = await _history(gateway, headers, "2025-07-01T00:00:00Z")
        assert refused["data"] == {"enterprise": None}
        assert _codes(refused) == {("enterprise",): "FORBIDDEN"}
    future = await _history(gateway, as_partner, "2999-01-01T00:00:00Z")
    assert _codes(future) == {("enterprise",): "BAD_USER_INPUT"}
    naive = await _history(gateway, as_partner, "2025-07-01T00:00:00")
    assert naive["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_expired_or_foreign_token_is_refused_not_downgraded(
    gateway: Gateway, seeded: asyncpg.Pool[Any], tmp_path: Path
) -> None:
    client = await new_client(seeded, Role.PARTNER)
    keys = SigningKeys.load_or_create(gateway.settings.keys_dir)
    expired = issue_access_token(
        keys, issuer=gateway.settings.issuer, audience=gateway.settings.audience,
        client_id=client.client_id, role="partner", scopes="profile:read", ttl=60,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    other_keys = SigningKeys.load_or_create(tmp_path / "other")
    forged = issue_access_token(
        other_keys, issuer=gateway.settings.issuer, audience=gateway.settings.audience,
        client_id=client.client_id, role="supervisor", scopes="personal:read", ttl=60,
        now=dt.datetime.now(dt.UTC))
    for token, reason in ((expired, "token expired"), (forged, "unknown key id")):
        async with httpx.AsyncClient(base_url=gateway.url) as http:
            response = await http.post(
                "/graphql", json={"query": QUERY, "variables": {"uscc": USCC}},
                headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["errors"][0]["message"] == reason
