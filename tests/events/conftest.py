"""The change feed's tests: an empty archive and feed, and a served gateway with tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from gateway.settings import Settings
from tests.auth.conftest import Gateway
from tests.schema.conftest import serve_gateway


@pytest.fixture
async def feed_pool(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """The pool, after emptying the archive and the change feed."""
    await clean_archive.execute("TRUNCATE credit_events RESTART IDENTITY")
    return clean_archive


@pytest.fixture(scope="module")
def gateway(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """The gateway with access control and audit on, on a loopback port."""
    env = {
        "DATABASE_URL": database_url,
        "GATEWAY_SYNC": "false",
        "GATEWAY_DATA_DIR": str(tmp_path_factory.mktemp("events-gateway")),
        "GATEWAY_ISSUER": "http://127.0.0.1",
        "GATEWAY_RATE_LIMIT_CLIENT": "100000/minute",
        "GATEWAY_RATE_LIMIT_ADDRESS": "100000/minute",
    }
    settings = Settings.from_env(env)
    for url in serve_gateway(settings):
        yield Gateway(url, settings)
