"""The gateway app for schema tests: in process (ASGI) for counting queries, and served by
uvicorn on a loopback port for HTTP behaviour."""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn

from gateway.app import build_app, create_app
from gateway.lifecycle import load_rule_sets
from gateway.services import Services
from gateway.settings import Settings

_DATA_DIR = tempfile.mkdtemp(prefix="credit-gateway-schema-")


def settings_for(database_url: str) -> Settings:
    """Schema tests read every record: access control is off (its tests are in tests/auth)."""
    return Settings.from_env({"DATABASE_URL": database_url, "GATEWAY_SYNC": "false",
                              "GATEWAY_RISK_FOLLOW": "false",
                              "GATEWAY_EVENTS_RETENTION_DAYS": "0",
                              "GATEWAY_AUTH": "false", "GATEWAY_DATA_DIR": _DATA_DIR,
                              "GATEWAY_RATE_LIMIT_CLIENT": "1000000/minute"})


@pytest.fixture
def services(clean_archive: asyncpg.Pool[Any], database_url: str) -> Services:
    return Services(settings=settings_for(database_url), pool=clean_archive, sources=None,
                    refresher=None)


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
        yield c


@pytest.fixture(scope="session")
def served_url(database_url: str) -> Iterator[str]:
    """The gateway as `credit-gateway serve` runs it (create_app), on a free loopback port."""
    yield from serve_gateway(settings_for(database_url))


def serve_gateway(settings: Settings) -> Iterator[str]:
    """create_app(settings), its lifespan included, on a free loopback port while the caller
    uses it; its base URL."""
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST a query; the decoded response body (asserting a JSON answer)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.headers["content-type"].startswith("application/json"), response.text
    body: dict[str, Any] = response.json()
    return body


PROVENANCE = "provenance { source department recordId sourceUpdatedAt receivedAt }"
PUBLICITY = "publicity { state publishedOn publicUntil repairableFrom }"

PROFILE_FIELDS = f"""
uscc name formerNames status entityType legalRepresentative registeredCapital establishedOn
address division industry registrationAuthority keyAreas
licenses {{ id number title keyArea scope issuedBy issuedOn validFrom validUntil status
            {PROVENANCE} }}
penalties {{ id decisionNumber decidedOn authority violation legalBasis measures fineAmount
             confiscatedAmount procedure severity keyArea {PUBLICITY} {PROVENANCE} }}
inspections {{ id reference kind inspectedOn authority result resultText product keyArea
               {PUBLICITY} {PROVENANCE} }}
listings {{ id kind uscc enterpriseName reason listedOn listedBy decisionNumber expiresOn
            removedOn removalReason active {PROVENANCE} }}
commitments {{ id kind content committedOn status checkedOn {PROVENANCE} }}
riskAssessment {{ riskClass score }}
freshness {{ source department syncedAt stale }}
{PROVENANCE}
"""

PROFILE_QUERY = f"query($uscc: USCC!) {{ enterprise(uscc: $uscc) {{ {PROFILE_FIELDS} }} }}"


@contextlib.asynccontextmanager
async def client_with_rules(
    pool: asyncpg.Pool[Any], database_url: str, rules_file: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The in-process app (access control off) with RULES_CONFIG = `rules_file`."""
    settings = dataclasses.replace(settings_for(database_url), rules_config=rules_file)
    services = Services(settings=settings, pool=pool, sources=None, refresher=None,
                        rules=load_rule_sets(settings))
    transport = httpx.ASGITransport(app=build_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
        yield c
