"""A gateway served on a loopback port with access control and audit on, and its clients."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from auth.clients import Credentials, add_client
from auth.roles import ROLE_SCOPES, Role
from gateway.settings import Settings
from tests.schema.conftest import serve_gateway


@dataclasses.dataclass(frozen=True)
class Gateway:
    url: str
    settings: Settings


@pytest.fixture(scope="module")
def gateway(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    data = tmp_path_factory.mktemp("gateway-data")
    env = {
        "DATABASE_URL": database_url,
        "GATEWAY_SYNC": "false",
        "GATEWAY_DATA_DIR": str(data),
        "GATEWAY_ISSUER": "http://127.0.0.1",
        "GATEWAY_RATE_LIMIT_CLIENT": "100000/minute",
        "GATEWAY_RATE_LIMIT_ADDRESS": "100000/minute",
        # No background writers racing the tests' own writes and truncations.
        "GATEWAY_RISK_FOLLOW": "false",
        "GATEWAY_EVENTS_RETENTION_DAYS": "0",
    }
    settings = Settings.from_env(env)
    for url in serve_gateway(settings):
        yield Gateway(url, settings)


async def new_client(
    pool: asyncpg.Pool[Any], role: Role, name: str = "test client"
) -> Credentials:
    async with pool.acquire() as conn:
        return await add_client(conn, name, role, ROLE_SCOPES[role])


async def get_token(url: str, credentials: Credentials, **form: str) -> str:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", **form},
            auth=(credentials.client_id, credentials.client_secret),
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def bearer(
    gateway: Gateway, pool: asyncpg.Pool[Any], role: Role, purpose: str | None = None
) -> dict[str, str]:
    """Headers of a new client of `role`: its token, and `purpose` when given."""
    token = await get_token(gateway.url, await new_client(pool, role))
    headers = {"authorization": f"Bearer {token}"}
    return headers if purpose is None else {**headers, "x-purpose": purpose}


async def post(
    gateway: Gateway, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """POST a GraphQL request that must be answered 200; its body."""
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables},
                                   headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def header_of(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


async def eventually(check: Any, within: float = 5.0) -> None:
    """Wait until the async `check()` is true (for NOTIFY-driven changes)."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the change never showed"
        await asyncio.sleep(0.05)

