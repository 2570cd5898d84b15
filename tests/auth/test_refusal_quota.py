"""Refused credentials count against the caller's address quota: forged tokens cannot be
tried without limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth.authenticate import Authenticator
from auth.client_status import ClientStatus
from auth.keys import SigningKeys
from auth.middleware import Authenticate
from auth.tokens import TokenVerifier
from gateway.ratelimit import RateLimiter
from gateway.settings import Settings


async def test_bad_tokens_are_answered_429_once_the_address_quota_is_used(
    pool: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> None:
    settings = Settings.from_env({"GATEWAY_RATE_LIMIT_ADDRESS": "3/minute",
                                  "GATEWAY_DATA_DIR": str(tmp_path)})
    keys = SigningKeys.load_or_create(tmp_path / "keys")
    authenticator = Authenticator(TokenVerifier(settings.issuer, settings.audience, keys),
                                  ClientStatus(pool, database_url))
    limiter = RateLimiter.from_settings(settings, key_prefix=f"test-refusals-{tmp_path.name}")

    async def ok(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/graphql", ok, methods=["POST"])], middleware=[
        Middleware(Authenticate, authenticator_of=lambda _: authenticator, limiter=limiter)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        statuses = []
        for _ in range(5):
            response = await client.post("/graphql", headers={"authorization": "Bearer x.y.z"})
            statuses.append(response.status_code)
        body = response.json()
    await limiter.aclose()
    assert statuses == [401, 401, 401, 429, 429]
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(response.headers["retry-after"]) >= 1
