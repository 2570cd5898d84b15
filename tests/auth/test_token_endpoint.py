"""POST /oauth/token (client credentials), the JWKS and the server metadata, over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from joserfc import jwt
from joserfc.jwk import KeySet

from auth.clients import disable_client
from auth.roles import Role
from tests.auth.conftest import Gateway, claims_of, eventually, get_token, header_of, new_client


@pytest.fixture
async def pool(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    await clean_archive.execute("TRUNCATE clients")
    return clean_archive


async def test_a_token_in_the_rfc_9068_shape_verifies_against_the_published_keys(
    gateway: Gateway, pool: asyncpg.Pool[Any]
) -> None:
    partner = await new_client(pool, Role.PARTNER)
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "purpose": "政府采购资格审查"},
            auth=(partner.client_id, partner.client_secret),
        )
        keys = (await http.get("/.well-known/jwks.json")).json()
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert body["scope"] == "profile:history profile:read"
    token = body["access_token"]
    assert header_of(token)["typ"] == "at+jwt" and header_of(token)["alg"] == "EdDSA"
    verified = jwt.decode(token, KeySet.import_key_set(keys), algorithms=["EdDSA"])
    claims = verified.claims
    assert claims["iss"] == gateway.settings.issuer and claims["aud"] == "credit-gateway"
    assert claims["sub"] == claims["client_id"] == partner.client_id
    assert claims["exp"] - claims["iat"] == 600 and claims["jti"]
    assert claims["roles"] == ["partner"] and claims["purpose"] == "政府采购资格审查"
    assert not any("d" in k for k in keys["keys"]), "private parts published"


async def test_client_secret_post_and_a_narrower_scope(
    gateway: Gateway, pool: asyncpg.Pool[Any]
) -> None:
    supervisor = await new_client(pool, Role.SUPERVISOR)
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post("/oauth/token", data={
            "grant_type": "client_credentials", "scope": "risk:read audit:read",
            "client_id": supervisor.client_id, "client_secret": supervisor.client_secret,
        })
    assert response.status_code == 200, response.text
    assert claims_of(response.json()["access_token"])["scope"] == "audit:read risk:read"


async def _token_error(gateway: Gateway, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post("/oauth/token", **kwargs)
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.status_code, response.json()


async def test_refusals_follow_rfc_6749_section_5_2(
    gateway: Gateway, pool: asyncpg.Pool[Any]
) -> None:
    c = await new_client(pool, Role.PROCUREMENT)
    grant = {"grant_type": "client_credentials"}
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"data": grant, "auth": (c.client_id, "wrong")}, 401, "invalid_client"),
        ({"data": grant, "auth": ("cg_nobody", c.client_secret)}, 401, "invalid_client"),
        ({"data": grant}, 401, "invalid_client"),
        ({"data": {**grant, "client_id": c.client_id, "client_secret": "x"}}, 401,
         "invalid_client"),
        ({"data": {**grant, "scope": "risk:read"}, "auth": (c.client_id, c.client_secret)}, 400,
         "invalid_scope"),
        ({"data": {**grant, "scope": "everything"}, "auth": (c.client_id, c.client_secret)}, 400,
         "invalid_scope"),
        ({"data": {"grant_type": "password"}, "auth": (c.client_id, c.client_secret)}, 400,
         "unsupported_grant_type"),
        ({"data": {}, "auth": (c.client_id, c.client_secret)}, 400, "invalid_request"),
        ({"data": {"scope": ""}, "auth": (c.client_id, c.client_secret)}, 400,
         "unsupported_grant_type"),
        ({"json": grant, "auth": (c.client_id, c.client_secret)}, 400, "invalid_request"),
        ({"content": b"grant_type=client_credentials&grant_type=client_credentials",
          "headers": {"content-type": "application/x-www-form-urlencoded"},
          "auth": (c.client_id, c.client_secret)}, 400, "invalid_request"),
        ({"data": {**grant, "purpose": "x" * 201}, "auth": (c.client_id, c.client_secret)}, 400,
         "invalid_request"),
    ]
    for kwargs, status, error in cases:
        got_status, body = await _token_error(gateway, **kwargs)
        assert (got_status, body.get("error")) == (status, error), (kwargs, body)


async def test_a_disabled_client_gets_no_token_and_its_tokens_stop_at_once(
    gateway: Gateway, pool: asyncpg.Pool[Any]
) -> None:
    partner = await new_client(pool, Role.PARTNER)
    token = await get_token(gateway.url, partner)
    headers = {"authorization": f"Bearer {token}", "x-purpose": "test"}
    query = {"query": "{ sources { name } }"}
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        assert (await http.post("/graphql", json=query, headers=headers)).status_code == 200
        async with pool.acquire() as conn:
            await disable_client(conn, partner.client_id)

        async def refused() -> bool:
            response = await http.post("/graphql", json=query, headers=headers)
            return response.status_code == 401

        await eventually(refused)
        response = await http.post("/graphql", json=query, headers=headers)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "disabled" in response.json()["errors"][0]["message"]
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
        again = await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                                auth=(partner.client_id, partner.client_secret))
    assert again.json()["error"] == "invalid_client"


async def test_server_metadata_is_valid_rfc_8414(gateway: Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.get("/.well-known/oauth-authorization-server")
    metadata = response.json()
    AuthorizationServerMetadata(metadata).validate()
    assert metadata["issuer"] == gateway.settings.issuer
    assert metadata["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic", "client_secret_post"]
    assert "profile:read" in metadata["scopes_supported"]


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_a_standard_oauth2_client_library_gets_and_uses_a_token(
    gateway: Gateway, pool: asyncpg.Pool[Any], method: str
) -> None:
    partner = await new_client(pool, Role.PARTNER)
    async with AsyncOAuth2Client(
        partner.client_id, partner.client_secret, token_endpoint_auth_method=method,
        base_url=gateway.url,
    ) as oauth:
        token = await oauth.fetch_token(f"{gateway.url}/oauth/token",
                                        grant_type="client_credentials")
        assert token["expires_at"] > dt.datetime.now(dt.UTC).timestamp()
        response = await oauth.post(f"{gateway.url}/graphql",
                                    json={"query": "{ sources { name } }"},
                                    headers={"x-purpose": "credit check"})
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()
