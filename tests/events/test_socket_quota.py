"""Sockets are counted: each handshake against its address's quota, each subscription against
its caller's (a gateway served with small quotas)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from gateway.settings import Settings
from tests.archive.rows import code
from tests.auth.conftest import Gateway
from tests.events.test_subscription import (
    CHANGED,
    PROTOCOL,
    partner_payload,
    receive,
    socket,
    ws_url,
)
from tests.schema.conftest import serve_gateway


@pytest.fixture
def limited(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """Four requests a minute per address, two per client."""
    env = {
        "DATABASE_URL": database_url,
        "GATEWAY_SYNC": "false",
        "GATEWAY_DATA_DIR": str(tmp_path_factory.mktemp("quota-data")),
        "GATEWAY_ISSUER": "http://127.0.0.1",
        "GATEWAY_RATE_LIMIT_CLIENT": "2/minute",
        "GATEWAY_RATE_LIMIT_ADDRESS": "4/minute",
        "GATEWAY_RISK_FOLLOW": "false",
        "GATEWAY_EVENTS_RETENTION_DAYS": "0",
    }
    settings = Settings.from_env(env)
    for url in serve_gateway(settings):
        yield Gateway(url, settings)


QUIET = code(999)
"""An enterprise without events: its subscriptions stay silent."""


def _subscribe(n: int) -> str:
    return json.dumps({"id": str(n), "type": "subscribe",
                       "payload": {"query": CHANGED, "variables": {"usccs": [QUIET]}}})


async def test_each_subscription_counts_against_the_callers_quota(
    limited: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    payload = await partner_payload(limited, feed_pool)  # the token request: address 1 of 4
    async with socket(limited, payload) as ws:  # address 2 of 4
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(_subscribe(1))
        await ws.send(_subscribe(2))
        await ws.send(_subscribe(3))
        answer = await receive(ws)
    assert answer["type"] == "error" and answer["id"] == "3"
    [error] = answer["payload"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert "retry in" in error["message"]


async def test_a_handshake_over_the_address_quota_is_refused(limited: Gateway) -> None:
    for _ in range(4):
        async with connect(ws_url(limited), subprotocols=[PROTOCOL]):  # type: ignore[list-item]
            pass
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(limited), subprotocols=[PROTOCOL]):  # type: ignore[list-item]
            pass
    assert refused.value.response.status_code == 403
