"""The edge middleware in front of a small real Starlette app: quotas (429), the body size
limit (413), CORS and the security headers, in process (ASGI) and over loopback HTTP."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import redis.asyncio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.principal import Principal
from auth.roles import ROLE_SCOPES, Role
from gateway.middleware import (
    STRICT_CSP,
    BodySizeLimit,
    RateLimit,
    SecurityHeaders,
    edge_middleware,
)
from gateway.ratelimit import RateLimiter
from gateway.settings import Settings
from tests.loopback import serve

REDIS_URL = "redis://127.0.0.1:6379/15"
PORTAL = "https://portal.example.gov.cn"
MAX_BODY = 1024


class PrincipalFromHeader:
    """Stands in the authentication slot: X-Test-Client names the calling client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        for name, value in scope.get("headers", []):
            if name == b"x-test-client":
                scope.setdefault("state", {})["principal"] = Principal(
                    role=Role.PARTNER, scopes=ROLE_SCOPES[Role.PARTNER], client_id=value.decode()
                )
        await self.app(scope, receive, send)


def settings_with(**env: str) -> Settings:
    return Settings.from_env({
        "GATEWAY_CORS_ORIGINS": PORTAL, "GATEWAY_MAX_BODY_BYTES": str(MAX_BODY),
        "GATEWAY_RATE_LIMIT_CLIENT": "3/day", "GATEWAY_RATE_LIMIT_ADDRESS": "2/day", **env,
    })


def edge_app(settings: Settings, limiter: RateLimiter, calls: list[str] | None = None) -> Starlette:
    """Endpoints that answer JSON and note each call they get in `calls`."""
    seen = calls if calls is not None else []

    async def answer(request: Request) -> Response:
        body = await request.body()
        seen.append(request.url.path)
        return JSONResponse({"path": request.url.path, "received": len(body)})

    routes = [Route(path, answer, methods=["GET", "POST"])
              for path in ("/graphql", "/oauth/token", "/healthz")]
    auth = Middleware(PrincipalFromHeader)
    return Starlette(routes=routes, middleware=edge_middleware(settings, limiter, auth=auth))


def client_of(app: ASGIApp, address: str = "10.1.1.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


@pytest.fixture
async def memory_limiter() -> AsyncIterator[RateLimiter]:
    limiter = RateLimiter.from_settings(settings_with())
    yield limiter
    await limiter.aclose()


@pytest.fixture
async def app(memory_limiter: RateLimiter) -> Starlette:
    return edge_app(settings_with(), memory_limiter)


@pytest.fixture
async def gateway(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(app) as c:
        yield c


def assert_graphql_error(response: httpx.Response, code: str) -> None:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1
    assert body["errors"][0]["extensions"] == {"code": code}
    assert body["errors"][0]["message"]


# --- quotas ------------------------------------------------------------------------------


async def test_a_caller_over_its_quota_gets_429_with_retry_after(
    gateway: httpx.AsyncClient,
) -> None:
    statuses = [(await gateway.post("/graphql", json={})).status_code for _ in range(2)]
    assert statuses == [200, 200]
    refused = await gateway.post("/graphql", json={})
    assert refused.status_code == 429
    assert 43200 < int(refused.headers["retry-after"]) <= 86400  # a day after the first
    assert_graphql_error(refused, "RATE_LIMITED")
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert refused.headers["cache-control"] == "no-store"


async def test_the_token_endpoint_draws_on_the_same_quota(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.post("/oauth/token")).status_code == 200
    assert (await gateway.post("/graphql", json={})).status_code == 200
    assert (await gateway.post("/oauth/token")).status_code == 429


async def test_other_paths_are_not_counted(gateway: httpx.AsyncClient) -> None:
    assert {(await gateway.get("/healthz")).status_code for _ in range(5)} == {200}
    assert (await gateway.post("/graphql", json={})).status_code == 200


async def test_addresses_and_clients_have_their_own_quotas(app: Starlette) -> None:
    async with client_of(app, "10.1.1.1") as first, client_of(app, "10.1.1.2") as second:
        assert [(await first.post("/graphql")).status_code for _ in range(3)] == [200, 200, 429]
        assert (await second.post("/graphql")).status_code == 200
        with_token = [(await first.post("/graphql", headers={"x-test-client": "c1"})).status_code
                      for _ in range(4)]
        assert with_token == [200, 200, 200, 429]
        other = await first.post("/graphql", headers={"x-test-client": "c2"})
        assert other.status_code == 200


async def test_a_refused_request_never_reaches_the_endpoint(memory_limiter: RateLimiter) -> None:
    calls: list[str] = []
    async with client_of(edge_app(settings_with(), memory_limiter, calls)) as gateway:
        for _ in range(3):
            await gateway.post("/graphql")
    assert calls == ["/graphql", "/graphql"]


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    name = f"cgtest-edge-{secrets.token_hex(4)}"
    yield name
    server = redis.asyncio.Redis.from_url(REDIS_URL)
    keys = [key async for key in server.scan_iter(match=f"{name}:*")]
    if keys:
        await server.delete(*keys)
    await server.aclose()


async def test_two_gateway_instances_share_the_quota_in_redis(redis_prefix: str) -> None:
    settings = settings_with(CACHE_URL=REDIS_URL)
    limiters = [RateLimiter.from_settings(settings, key_prefix=redis_prefix) for _ in range(2)]
    one, two = (client_of(edge_app(settings, limiter)) for limiter in limiters)
    async with one, two:
        assert (await one.post("/graphql")).status_code == 200
        assert (await two.post("/graphql")).status_code == 200
        assert (await one.post("/graphql")).status_code == 429
        assert (await two.post("/graphql")).status_code == 429
    for limiter in limiters:
        await limiter.aclose()


# --- body size ---------------------------------------------------------------------------


async def chunks(total: int, size: int = 256) -> AsyncIterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


async def test_a_body_declared_too_large_is_refused_unread(memory_limiter: RateLimiter) -> None:
    calls: list[str] = []
    async with client_of(edge_app(settings_with(), memory_limiter, calls)) as gateway:
        response = await gateway.post("/healthz", content=b"x" * (MAX_BODY + 1))
    assert response.status_code == 413
    assert_graphql_error(response, "BAD_USER_INPUT")
    assert str(MAX_BODY) in response.json()["errors"][0]["message"]
    assert calls == []


async def test_a_body_of_the_limit_is_accepted(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/healthz", content=b"x" * MAX_BODY)
    assert response.status_code == 200 and response.json()["received"] == MAX_BODY


async def test_a_chunked_body_is_cut_off_at_the_limit(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/healthz", content=chunks(MAX_BODY + 1))
    assert response.status_code == 413
    assert_graphql_error(response, "BAD_USER_INPUT")
    small = await gateway.post("/healthz", content=chunks(MAX_BODY))
    assert small.status_code == 200 and small.json()["received"] == MAX_BODY


def answer_before_reading(max_bytes: int) -> ASGIApp:
    """An app that catches every failure of reading the body and answers 200 anyway."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        with contextlib.suppress(Exception):  # the point: the app swallows the failure
            await request.body()
        await JSONResponse({"ok": True})(scope, receive, send)

    return BodySizeLimit(app, max_bytes)


async def test_the_413_replaces_what_an_app_answers_after_the_limit() -> None:
    async with client_of(answer_before_reading(MAX_BODY)) as gateway:
        response = await gateway.post("/", content=chunks(MAX_BODY * 2))
    assert response.status_code == 413


@pytest.fixture(scope="module")
def served_url() -> Iterator[str]:
    """The edge app on a loopback port (its own limiter, counted in memory)."""
    limiter = RateLimiter.from_settings(settings_with(GATEWAY_RATE_LIMIT_ADDRESS="1000/day"))
    yield from serve(edge_app(settings_with(), limiter))


@pytest.mark.parametrize("size", [MAX_BODY + 1, 64 * MAX_BODY])
async def test_over_http_a_chunked_body_over_the_limit_gets_413(served_url: str, size: int) -> None:
    async with httpx.AsyncClient(base_url=served_url) as http:
        response = await http.post("/healthz", content=chunks(size))
    assert response.status_code == 413
    assert_graphql_error(response, "BAD_USER_INPUT")


async def test_over_http_a_large_declared_body_gets_413(served_url: str) -> None:
    async with httpx.AsyncClient(base_url=served_url) as http:
        response = await http.post("/healthz", content=b"x" * (512 * MAX_BODY))
    assert response.status_code == 413
    assert_graphql_error(response, "BAD_USER_INPUT")


async def test_over_http_a_chunked_body_within_the_limit_arrives(served_url: str) -> None:
    async with httpx.AsyncClient(base_url=served_url) as http:
        response = await http.post("/healthz", content=chunks(MAX_BODY))
    assert response.status_code == 200 and response.json()["received"] == MAX_BODY


# --- CORS --------------------------------------------------------------------------------


def preflight(origin: str, method: str = "POST",
              headers: str = "authorization, content-type, x-purpose, x-request-id") -> dict[str, str]:
    return {"origin": origin, "access-control-request-method": method,
            "access-control-request-headers": headers}


async def test_a_preflight_from_a_portal_is_allowed(gateway: httpx.AsyncClient) -> None:
    response = await gateway.options("/graphql", headers=preflight(PORTAL))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    allowed = {h.lower() for h in response.headers["access-control-allow-headers"].split(", ")}
    assert {"authorization", "content-type", "x-purpose", "x-request-id"} <= allowed
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "request_headers",
    [
        preflight("https://evil.example"),
        preflight(PORTAL, method="DELETE"),
        preflight(PORTAL, headers="x-secret"),
        preflight(PORTAL + ":8443"),
    ],
)
async def test_a_preflight_outside_the_policy_is_refused(
    gateway: httpx.AsyncClient, request_headers: dict[str, str]
) -> None:
    response = await gateway.options("/graphql", headers=request_headers)
    assert response.status_code == 400
    if request_headers["origin"] != PORTAL:
        assert "access-control-allow-origin" not in response.headers


async def test_preflights_are_not_counted(gateway: httpx.AsyncClient) -> None:
    for _ in range(5):
        await gateway.options("/graphql", headers=preflight(PORTAL))
    assert (await gateway.post("/graphql")).status_code == 200


async def test_a_portal_can_read_the_answer_and_its_retry_after(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/graphql", json={}, headers={"origin": PORTAL})
    assert response.headers["access-control-allow-origin"] == PORTAL
    exposed = {h.lower() for h in response.headers["access-control-expose-headers"].split(", ")}
    assert {"retry-after", "x-request-id"} <= exposed
    other = await gateway.post("/graphql", json={}, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


# --- security headers --------------------------------------------------------------------


async def test_every_answer_carries_the_security_headers(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == STRICT_CSP
    assert "strict-transport-security" not in response.headers
    assert "cache-control" not in response.headers


@pytest.mark.parametrize("path", ["/graphql", "/oauth/token"])
async def test_graphql_and_oauth_answers_are_not_stored(
    gateway: httpx.AsyncClient, path: str
) -> None:
    assert (await gateway.post(path)).headers["cache-control"] == "no-store"


async def test_production_answers_require_https(memory_limiter: RateLimiter) -> None:
    app = edge_app(
        settings_with(GATEWAY_PRODUCTION="true", GATEWAY_ISSUER="https://credit.example"),
        memory_limiter,
    )
    async with client_of(app) as gateway:
        response = await gateway.get("/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert int(response.headers["strict-transport-security"].split("=")[1]) >= 15552000


async def test_headers_the_app_sets_itself_are_kept() -> None:
    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        response = Response("<p>hi</p>", media_type="text/html",
                            headers={"content-security-policy": "default-src 'self'"})
        await response(scope, receive, send)

    async with client_of(SecurityHeaders(page, production=False)) as gateway:
        response = await gateway.get("/page")
    assert response.headers["content-security-policy"] == "default-src 'self'"
    assert response.headers["x-frame-options"] == "DENY"


# --- order -------------------------------------------------------------------------------


def test_the_edge_runs_in_its_documented_order(memory_limiter: RateLimiter) -> None:
    auth = Middleware(PrincipalFromHeader)
    layers: list[Any] = [m.cls for m in edge_middleware(settings_with(), memory_limiter, auth)]
    assert layers == [SecurityHeaders, CORSMiddleware, BodySizeLimit, PrincipalFromHeader,
                      RateLimit]
    without_auth: list[Any] = [m.cls for m in edge_middleware(settings_with(), memory_limiter)]
    assert without_auth == [SecurityHeaders, CORSMiddleware, BodySizeLimit, RateLimit]
