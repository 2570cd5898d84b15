"""A provincial identity platform's token at the served gateway, configured by AUTH_ISSUERS."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from joserfc.jwk import ECKey

from gateway.settings import Settings
from tests.archive.rows import code, put_record, registration
from tests.auth import IssuerApi, serve_issuer, sign
from tests.schema.conftest import serve_gateway

PROVINCE = "https://id.gd.example.gov.cn"
USCC = code(91)


@pytest.fixture(scope="module")
def province() -> Iterator[tuple[IssuerApi, str]]:
    yield from serve_issuer()


@pytest.fixture(scope="module")
def gateway_url(
    database_url: str, province: tuple[IssuerApi, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("issuers")
    issuers = folder / "issuers.toml"
    issuers.write_text(
        f'[[issuer]]\nissuer = "{PROVINCE}"\njwks_url = "{province[1]}"\n'
        'audience = "credit-gateway"\nalgorithms = ["ES256"]\nrole = "market_access"\n'
        'scopes = ["profile:read"]\n', "utf-8")
    settings = Settings.from_env({
        "DATABASE_URL": database_url, "GATEWAY_SYNC": "false",
        "GATEWAY_DATA_DIR": str(folder / "data"), "AUTH_ISSUERS": str(issuers),
        "GATEWAY_RATE_LIMIT_CLIENT": "100000/minute",
        "GATEWAY_RATE_LIMIT_ADDRESS": "100000/minute", "GATEWAY_RISK_FOLLOW": "false",
        "GATEWAY_EVENTS_RETENTION_DAYS": "0"})
    yield from serve_gateway(settings)


def _token(key: ECKey, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": PROVINCE, "sub": "user-7", "aud": "credit-gateway", "exp": now + 300,
            "iat": now, "client_id": "gd-market-access", "scope": "profile:read risk:read",
            "purpose": "企业变更登记审查", **claims}
    return sign({"alg": "ES256", "kid": key.kid, "typ": "JWT"}, body, key)


async def _ask(url: str, token: str) -> httpx.Response:
    query = "query($u: USCC!) { enterprise(uscc: $u) { name riskAssessment { score } } }"
    async with httpx.AsyncClient(base_url=url) as http:
        return await http.post("/graphql", json={"query": query, "variables": {"u": USCC}},
                               headers={"authorization": f"Bearer {token}"})


async def test_a_configured_issuers_token_gets_its_role_and_no_more(
    gateway_url: str, province: tuple[IssuerApi, str], clean_archive: asyncpg.Pool[Any],
    tmp_path: Path,
) -> None:
    api = province[0]
    key = ECKey.generate_key("P-256", parameters={"kid": "gd-2026"})
    api.publish(key)
    await put_record(clean_archive, registration(USCC, "汕头市潮南区纺织有限公司"))
    response = await _ask(gateway_url, _token(key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["enterprise"]["name"] == "汕头市潮南区纺织有限公司"
    # risk:read is in the token but not in what the issuer may grant: refused
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    row = await clean_archive.fetchrow(
        "SELECT client_id, role, purpose FROM audit_log WHERE $1 = ANY(usccs) "
        "ORDER BY seq DESC LIMIT 1", USCC)
    assert dict(row) == {"client_id": f"{PROVINCE}#gd-market-access", "role": "market_access",
                         "purpose": "企业变更登记审查"}

    stranger = ECKey.generate_key("P-256", parameters={"kid": "gd-2026"})
    for token, reason in (
        (_token(stranger), "invalid signature"),
        (_token(key, aud="someone-else"), "wrong audience"),
        (_token(key, iss="https://evil.example"), "unknown issuer"),
    ):
        refused = await _ask(gateway_url, token)
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["message"] == reason
