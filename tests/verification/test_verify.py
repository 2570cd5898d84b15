"""verifyCredit, verifyCredits and verification(id) over HTTP, with real tokens: verdicts,
asOf, staleness, batches, signatures checked with an independent JOSE library, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import jwt as pyjwt
import pytest

from auth.roles import Role
from gateway.records import ListKind, PenaltyMeasure
from schema.context import today_in_shanghai
from tests.archive.rows import code, listing, penalty, put_record, registration
from tests.auth.conftest import Gateway, get_token, new_client

TODAY = today_in_shanghai()
DAY = dt.timedelta(days=1)
LISTED, CLEAN, UNKNOWN = code(501), code(502), code(503)
LISTED_AT = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)

VERIFY = """
query($uscc: USCC!, $purpose: VerificationPurpose!, $asOf: DateTime) {
  verifyCredit(uscc: $uscc, purpose: $purpose, asOf: $asOf) {
    id uscc enterpriseName purpose asOf verdict rulesVersion issuedAt issuedTo token
    findings { code effect summary legalBasis since until
               record { kind id provenance { source recordId } } }
    sources { source stale syncedAt }
  }
}
"""
BATCH = """
query($usccs: [USCC!]!, $purpose: VerificationPurpose!) {
  verifyCredits(usccs: $usccs, purpose: $purpose) { id uscc verdict }
}
"""


@pytest.fixture
async def archive(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    pool = clean_archive
    await pool.execute("TRUNCATE clients")
    early = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    await put_record(pool, registration(LISTED, "汕头市龙湖区失信食品有限公司"), received_at=early)
    await put_record(pool, registration(CLEAN, "汕头市金平区守信玩具有限公司"), received_at=early)
    number = "汕市监罚〔2026〕88号"
    await put_record(pool, penalty(LISTED, number, TODAY - 15 * DAY,
                                   measures=(PenaltyMeasure.SUSPENSION,)), received_at=LISTED_AT)
    await put_record(pool, listing(LISTED, ListKind.SERIOUS_DISHONESTY, TODAY - 15 * DAY,
                                   decision_number=number, expires_on=TODAY + 1000 * DAY),
                     received_at=LISTED_AT)
    return pool


async def _ask(gateway: Gateway, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    return body


async def _procurement(gateway: Gateway, pool: asyncpg.Pool[Any]) -> tuple[str, str]:
    client = await new_client(pool, Role.PROCUREMENT, "汕头市政府采购中心")
    return client.client_id, await get_token(gateway.url, client)


async def test_listed_is_restricted_with_its_record_and_clean_is_clear(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    client_id, token = await _procurement(gateway, archive)
    body = await _ask(gateway, token, VERIFY, uscc=LISTED, purpose="GOVERNMENT_PROCUREMENT")
    v = body["data"]["verifyCredit"]
    assert v["verdict"] == "RESTRICTED" and v["issuedTo"] == client_id
    assert v["enterpriseName"] == "汕头市龙湖区失信食品有限公司"
    codes = {f["code"]: f for f in v["findings"]}
    serious = codes["SERIOUS_LIST_ACTIVE"]
    assert serious["effect"] == "RESTRICTS" and serious["legalBasis"] and serious["summary"]
    assert serious["record"]["kind"] == "LISTING" and serious["record"]["provenance"]["source"]
    clean = await _ask(gateway, token, VERIFY, uscc=CLEAN, purpose="GOVERNMENT_PROCUREMENT")
    assert clean["data"]["verifyCredit"]["verdict"] == "CLEAR"
    assert clean["data"]["verifyCredit"]["findings"] == []


async def test_the_token_verifies_with_an_independent_jose_library(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    client_id, token = await _procurement(gateway, archive)
    v = (await _ask(gateway, token, VERIFY, uscc=LISTED,
                    purpose="PUBLIC_BIDDING"))["data"]["verifyCredit"]
    keys = pyjwt.PyJWKClient(f"{gateway.url}/.well-known/jwks.json")
    signing = keys.get_signing_key_from_jwt(v["token"])
    claims = pyjwt.decode(v["token"], signing.key, algorithms=["EdDSA"], audience=client_id,
                          issuer=gateway.settings.issuer)
    assert claims["jti"] == v["id"] and claims["sub"] == LISTED
    assert claims["purpose"] == "PUBLIC_BIDDING" and claims["verdict"] == "RESTRICTED"
    assert claims["findings"] == [f["code"] for f in v["findings"]]
    assert claims["rules_version"] == v["rulesVersion"]
    assert dt.datetime.fromisoformat(claims["as_of"]) == dt.datetime.fromisoformat(v["asOf"])
    tampered = v["token"].split(".")
    tampered[1] = tampered[1][:-2] + ("AA" if not tampered[1].endswith("AA") else "BB")
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(".".join(tampered), signing.key, algorithms=["EdDSA"], audience=client_id)


async def test_as_of_before_the_listing_is_clear(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    # listed (and penalised) 15 days ago; the archive heard of it 10 days ago
    for days_ago, verdict in ((20, "CLEAR"), (12, "RESTRICTED"), (0, "RESTRICTED")):
        at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, minutes=1)).isoformat()
        body = await _ask(gateway, token, VERIFY, uscc=LISTED, purpose="GOVERNMENT_PROCUREMENT",
                          asOf=at)
        assert body["data"]["verifyCredit"]["verdict"] == verdict, (days_ago, body)
    removed = listing(LISTED, ListKind.SERIOUS_DISHONESTY, TODAY - 15 * DAY,
                      decision_number="汕市监罚〔2026〕88号", expires_on=TODAY + 1000 * DAY,
                      removed_on=TODAY - 2 * DAY, removal_reason="处罚决定被撤销")
    await put_record(archive, removed)
    # a removal two days ago does not reach back before it
    for days_ago, verdict in ((5, "RESTRICTED"), (0, "CLEAR")):
        at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, minutes=1)).isoformat()
        body = await _ask(gateway, token, VERIFY, uscc=LISTED, purpose="PUBLIC_BIDDING",
                          asOf=at)
        assert body["data"]["verifyCredit"]["verdict"] == verdict, (days_ago, body)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    refused = await _ask(gateway, token, VERIFY, uscc=LISTED, purpose="HONOURS", asOf=future)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_stale_source_makes_clear_indeterminate_but_not_a_restriction(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    await archive.execute(
        "INSERT INTO sources (name, department, kind, last_success_at) VALUES "
        "('enforcement', '执法稽查', 'file', $1)", old)
    clean = (await _ask(gateway, token, VERIFY, uscc=CLEAN,
                        purpose="FISCAL_SUPPORT"))["data"]["verifyCredit"]
    assert clean["verdict"] == "INDETERMINATE"
    assert [(s["source"], s["stale"]) for s in clean["sources"]] == [("enforcement", True)]
    assert [f["code"] for f in clean["findings"]] == ["SOURCE_STALE"]
    listed = (await _ask(gateway, token, VERIFY, uscc=LISTED,
                         purpose="FISCAL_SUPPORT"))["data"]["verifyCredit"]
    assert listed["verdict"] == "RESTRICTED"
    fresh = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    await archive.execute("UPDATE sources SET last_success_at = $1", fresh)
    again = (await _ask(gateway, token, VERIFY, uscc=CLEAN,
                        purpose="FISCAL_SUPPORT"))["data"]["verifyCredit"]
    assert again["verdict"] == "CLEAR"


async def test_a_batch_answers_in_input_order_with_repeats(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    usccs = [CLEAN, LISTED, UNKNOWN, CLEAN.lower()]
    body = await _ask(gateway, token, BATCH, usccs=usccs, purpose="PUBLIC_BIDDING")
    results = body["data"]["verifyCredits"]
    assert [r["uscc"] for r in results] == [CLEAN, LISTED, UNKNOWN, CLEAN]
    assert [r["verdict"] for r in results] == ["CLEAR", "RESTRICTED", "NOT_FOUND", "CLEAR"]
    assert results[0]["id"] == results[3]["id"]
    stored = await archive.fetchval("SELECT count(*) FROM verifications")
    assert stored == 3


async def test_a_verification_is_stored_in_the_transaction_of_its_audit_row(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    body = await _ask(gateway, token, BATCH, usccs=[LISTED, CLEAN, LISTED], purpose="HONOURS")
    ids = {r["id"] for r in body["data"]["verifyCredits"]}
    rows = await archive.fetch(
        """SELECT v.id::text AS id, v.xmin::text AS stored_in, a.xmin::text AS audited_in
           FROM verifications v
           JOIN audit_log a ON EXISTS (SELECT 1 FROM unnest(a.verdicts) AS x
                                       WHERE split_part(x, ' ', 1) = v.id::text)""")
    assert {r["id"] for r in rows} == ids and len(rows) == 2
    assert all(r["stored_in"] == r["audited_in"] for r in rows)


async def test_a_verification_whose_audit_row_fails_is_neither_answered_nor_stored(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    await archive.execute("""
        CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
        CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log
        FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();""")
    try:
        body = await _ask(gateway, token, VERIFY, uscc=LISTED, purpose="HONOURS")
    finally:
        await archive.execute("DROP TRIGGER test_refuse_audit ON audit_log;"
                              " DROP FUNCTION test_refuse_audit();")
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert await archive.fetchval("SELECT count(*) FROM verifications") == 0
    again = await _ask(gateway, token, VERIFY, uscc=LISTED, purpose="HONOURS")
    assert again["data"]["verifyCredit"]["verdict"] == "RESTRICTED"
    assert await archive.fetchval("SELECT count(*) FROM verifications") == 1


@pytest.mark.parametrize(
    ("usccs", "code_"),
    [
        ([], "BAD_USER_INPUT"),
        ([code(1)] * 1001, "BAD_USER_INPUT"),
        ([code(1), "91440507MA00000000"], "INVALID_USCC"),
    ],
)
async def test_bad_batches_are_refused(
    gateway: Gateway, archive: asyncpg.Pool[Any], usccs: list[str], code_: str
) -> None:
    _, token = await _procurement(gateway, archive)
    body = await _ask(gateway, token, BATCH, usccs=usccs, purpose="PUBLIC_BIDDING")
    assert body["errors"][0]["extensions"]["code"] == code_
    assert await archive.fetchval("SELECT count(*) FROM verifications") == 0


async def test_a_thousand_codes_are_answered(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    usccs = [code(10_000 + i) for i in range(999)] + [LISTED]
    body = await _ask(gateway, token, BATCH, usccs=usccs, purpose="CHANGE_REGISTRATION")
    verdicts = [r["verdict"] for r in body["data"]["verifyCredits"]]
    assert verdicts == ["NOT_FOUND"] * 999 + ["RESTRICTED"]


async def test_who_may_verify_and_see_a_verification(
    gateway: Gateway, archive: asyncpg.Pool[Any]
) -> None:
    _, token = await _procurement(gateway, archive)
    v = (await _ask(gateway, token, VERIFY, uscc=LISTED,
                    purpose="HONOURS"))["data"]["verifyCredit"]
    partner = await get_token(gateway.url, await new_client(archive, Role.PARTNER))
    refused = await _ask(gateway, partner, VERIFY, uscc=LISTED, purpose="HONOURS")
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    fetch = "query($id: ID!) { verification(id: $id) { id verdict token } }"
    mine = await _ask(gateway, token, fetch, id=v["id"])
    assert mine["data"]["verification"] == {"id": v["id"], "verdict": "RESTRICTED",
                                            "token": v["token"]}
    _, other = await _procurement(gateway, archive)
    assert (await _ask(gateway, other, fetch, id=v["id"]))["data"]["verification"] is None
    supervisor = await get_token(gateway.url, await new_client(archive, Role.SUPERVISOR))
    seen = await _ask(gateway, supervisor, fetch, id=v["id"])
    assert seen["data"]["verification"]["id"] == v["id"]
    bad = await _ask(gateway, token, fetch, id="not-a-uuid")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    row = await archive.fetchrow(
        "SELECT verdicts, field_groups FROM audit_log WHERE $1 = ANY(usccs) "
        "AND cardinality(verdicts) > 0 ORDER BY seq DESC LIMIT 1", LISTED)
    assert row["verdicts"] == [f"{v['id']} {LISTED} HONOURS RESTRICTED"]
    assert row["field_groups"] == ["verification"]
