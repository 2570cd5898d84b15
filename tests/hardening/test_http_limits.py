"""The real /graphql view (real schema with the limit extensions, real PostgreSQL) behind the
edge middleware: refusals as HTTP answers, queries within the limits served, and the GraphiQL
page with a Content-Security-Policy that lets it load."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.principal import Principal
from auth.roles import ROLE_SCOPES, Role
from gateway.middleware import edge_middleware
from gateway.ratelimit import RateLimiter
from gateway.services import Services
from gateway.settings import Settings
from schema.http import GraphQLView
from schema.limits import limit_extensions
from schema.schema import build_schema
from tests.archive.rows import code

GRAPHQL_RESPONSE = "application/graphql-response+json"


class PartnerWithHeader:
    """Stands in the authentication slot: `X-Test-Partner: yes` makes the caller a partner."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (b"x-test-partner", b"yes") in scope.get("headers", []):
            scope.setdefault("state", {})["principal"] = Principal(
                role=Role.PARTNER, scopes=ROLE_SCOPES[Role.PARTNER], client_id="partner",
                purpose="招标",
            )
        await self.app(scope, receive, send)


def gateway_settings(database_url: str) -> Settings:
    return Settings.from_env({
        "DATABASE_URL": database_url, "GATEWAY_SYNC": "false", "GATEWAY_PRODUCTION": "true",
        "GATEWAY_ISSUER": "https://credit.example",
        "GATEWAY_MAX_DEPTH": "5", "GATEWAY_MAX_COST": "100", "GATEWAY_MAX_BODY_BYTES": "2048",
        "GATEWAY_RATE_LIMIT_ADDRESS": "1000/minute",
    })


@pytest.fixture
async def gateway(
    clean_archive: asyncpg.Pool[Any], database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = gateway_settings(database_url)
    services = Services(settings=settings, pool=clean_archive, sources=None, refresher=None)
    schema = build_schema(extensions=limit_extensions(settings))
    limiter = RateLimiter.from_settings(settings)
    app = Starlette(
        routes=[Route("/graphql", GraphQLView(schema, lambda _: services))],
        middleware=edge_middleware(settings, limiter, auth=Middleware(PartnerWithHeader)),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client
    await limiter.aclose()


async def post(
    gateway: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
    partner: bool = False, accept: str = "application/json",
) -> httpx.Response:
    headers = {"accept": accept, **({"x-test-partner": "yes"} if partner else {})}
    return await gateway.post("/graphql", json={"query": query, "variables": variables or {}},
                              headers=headers)


def error_codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


PAGE = "query($n: Int) { enterprises(first: $n) { edges { node { uscc name } } } }"
"""Costs 1 + (1 + n * 3): 100 at n = 32 + 2/3, so n = 32 is within, 33 over."""


async def test_a_query_within_every_limit_is_served(gateway: httpx.AsyncClient) -> None:
    response = await post(gateway, PAGE, {"n": 32})
    assert response.status_code == 200
    assert response.json() == {"data": {"enterprises": {"edges": []}}}
    deep = await post(gateway, f'{{ enterprise(uscc: "{code(1)}") {{ penalties {{ publicity {{ state }} }} }} }}')
    assert deep.json() == {"data": {"enterprise": None}}


async def test_a_query_over_the_cost_limit_is_a_request_error(gateway: httpx.AsyncClient) -> None:
    response = await post(gateway, PAGE, {"n": 33}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert error_codes(response) == ["QUERY_TOO_COMPLEX"]
    assert "data" not in response.json()
    legacy = await post(gateway, PAGE, {"n": 33})
    assert legacy.status_code == 200 and error_codes(legacy) == ["QUERY_TOO_COMPLEX"]


async def test_a_query_over_the_depth_limit_is_a_request_error(gateway: httpx.AsyncClient) -> None:
    query = "{ enterprises(first: 1) { edges { node { penalties { publicity { state } } } } } }"
    response = await post(gateway, query, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400 and error_codes(response) == ["QUERY_TOO_COMPLEX"]


async def test_introspection_is_for_partners_in_production(gateway: httpx.AsyncClient) -> None:
    query = "{ __schema { queryType { name } } }"
    public = await post(gateway, query, accept=GRAPHQL_RESPONSE)
    assert public.status_code == 400 and set(error_codes(public)) == {"FORBIDDEN"}
    partner = await post(gateway, query, partner=True)
    assert partner.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_a_graphql_body_over_the_limit_gets_413(gateway: httpx.AsyncClient) -> None:
    padding = " " * 3000
    response = await gateway.post("/graphql", json={"query": "{ __typename }" + padding})
    assert response.status_code == 413 and error_codes(response) == ["BAD_USER_INPUT"]

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }'
        for _ in range(10):
            yield b" " * 300
        yield b'"}'

    chunked = await gateway.post("/graphql", content=chunks(),
                                 headers={"content-type": "application/json"})
    assert chunked.status_code == 413 and error_codes(chunked) == ["BAD_USER_INPUT"]


async def test_graphql_answers_are_not_stored(gateway: httpx.AsyncClient) -> None:
    response = await post(gateway, "{ __typename }")
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["strict-transport-security"].startswith("max-age=")


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
SCRIPT_SOURCE = re.compile(r'<script[^>]*\ssrc="([^"]+)"')
STYLESHEET = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"|'
                        r'<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"')


def directives(policy: str) -> dict[str, set[str]]:
    parsed: dict[str, set[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


async def test_the_graphiql_page_may_load_what_it_needs_and_nothing_else(
    gateway: httpx.AsyncClient,
) -> None:
    page = await gateway.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = directives(page.headers["content-security-policy"])
    inline = INLINE_SCRIPT.findall(page.text)
    assert inline, "strawberry's page runs inline scripts"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    for source in SCRIPT_SOURCE.findall(page.text):
        parts = urlsplit(source)
        assert f"{parts.scheme}://{parts.netloc}" in policy["script-src"]
    for match in STYLESHEET.findall(page.text):
        parts = urlsplit(match[0] or match[1])
        assert f"{parts.scheme}://{parts.netloc}" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == {"'none'"} and policy["connect-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert page.headers["x-frame-options"] == "DENY"
