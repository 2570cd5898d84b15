"""creditChanged over WebSocket (graphql-transport-ws) on the served gateway."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from auth.roles import Role
from gateway.events.cursor import START
from gateway.events.feed import read_events
from tests.archive.rows import code, put_record, registration
from tests.auth.conftest import Gateway, get_token, new_client
from tests.events.support import settled

PROTOCOL = "graphql-transport-ws"
CHANGED = """
subscription Changed($usccs: [USCC!], $after: String) {
  creditChanged(usccs: $usccs, after: $after) { seq cursor uscc kind recordKind version } }
"""
PURPOSE = "partner agency supervision"
WAIT = 30.0
"""Seconds to wait for a message the server must send (a bound against hanging, not a
timing assertion)."""


def ws_url(gateway: Gateway) -> str:
    return gateway.url.replace("http://", "ws://") + "/graphql"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    return message


@asynccontextmanager
async def socket(gateway: Gateway, payload: dict[str, str]) -> AsyncIterator[ClientConnection]:
    """A socket after connection_init with `payload` (not yet answered)."""
    async with connect(ws_url(gateway), subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        yield ws


async def partner_payload(gateway: Gateway, pool: asyncpg.Pool[Any]) -> dict[str, str]:
    token = await get_token(gateway.url, await new_client(pool, Role.PARTNER, "agency"))
    return {"authorization": f"Bearer {token}", "x-purpose": PURPOSE}


async def test_a_subscription_pushes_new_events_of_its_enterprises_audited(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    mine, other = code(200), code(201)
    await settled(feed_pool)
    start = (await read_events(feed_pool, START, 1000)).end
    payload = await partner_payload(gateway, feed_pool)
    async with socket(gateway, payload) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": CHANGED, "variables": {"usccs": [mine], "after": start.cursor()}}}))
        await put_record(feed_pool, registration(other, "别的企业"))
        await put_record(feed_pool, registration(mine, "我的企业"))
        await put_record(feed_pool, registration(mine, "我的企业（更名）"))

        pushed = [await receive(ws), await receive(ws)]

    assert [m["type"] for m in pushed] == ["next", "next"]
    events = [m["payload"]["data"]["creditChanged"] for m in pushed]
    assert [(e["uscc"], e["kind"], e["version"]) for e in events] == [
        (mine, "RECEIVED", 1), (mine, "CHANGED", 2)]
    audit = await feed_pool.fetch(
        "SELECT usccs, field_groups, purpose FROM audit_log WHERE operation = 'Changed' "
        "AND client_id = (SELECT client_id FROM clients WHERE name = 'agency' "
        "ORDER BY created_at DESC LIMIT 1)")
    assert {tuple(r["usccs"]) for r in audit} == {(mine,)}
    assert {(tuple(r["field_groups"]), r["purpose"]) for r in audit} == {(("events",), PURPOSE)}


async def test_a_subscription_without_a_cursor_starts_at_the_present(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    old = code(210)
    await put_record(feed_pool, registration(old, "早就有的企业"))
    await settled(feed_pool)
    async with socket(gateway, await partner_payload(gateway, feed_pool)) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": CHANGED, "variables": {"usccs": [old]}}}))
        # The subscription starts at some moment after this message: write until it sees one.
        for n in range(2, 100):
            await put_record(feed_pool, registration(old, f"早就有的企业{n}"))
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
            except TimeoutError:
                continue
            break
    event = message["payload"]["data"]["creditChanged"]
    assert event["uscc"] == old and event["kind"] == "CHANGED" and event["version"] > 1


@pytest.mark.parametrize(
    "payload",
    [{}, {"authorization": "Bearer not-a-token", "x-purpose": PURPOSE},
     {"authorization": "Basic abc", "x-purpose": PURPOSE}],
)
async def test_a_socket_without_a_valid_token_is_refused(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any], payload: dict[str, str]
) -> None:
    async with socket(gateway, payload) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


@pytest.mark.parametrize("role", [Role.PROCUREMENT, Role.PARTNER])
async def test_a_socket_without_profile_read_and_purpose_is_refused(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any], role: Role
) -> None:
    token = await get_token(gateway.url, await new_client(feed_pool, role))
    payload = {"authorization": f"Bearer {token}"}
    if role is Role.PROCUREMENT:
        payload["x-purpose"] = PURPOSE
    async with socket(gateway, payload) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_subscribing_before_connection_init_is_refused(gateway: Gateway) -> None:
    async with connect(ws_url(gateway), subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": CHANGED}}))
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_queries_are_not_served_over_a_socket(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    async with socket(gateway, await partner_payload(gateway, feed_pool)) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "q", "type": "subscribe", "payload": {
            "query": "{ creditEvents { edges { cursor } } }"}}))
        answer = await receive(ws)
    assert answer["type"] == "error" and answer["id"] == "q"
    assert answer["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_bad_cursor_ends_the_subscription_with_bad_user_input(
    gateway: Gateway, feed_pool: asyncpg.Pool[Any]
) -> None:
    async with socket(gateway, await partner_payload(gateway, feed_pool)) as ws:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": CHANGED, "variables": {"after": "bad"}}}))
        answer = await receive(ws)
    errors = answer["payload"].get("errors") or answer["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]


async def test_another_subprotocol_is_refused(gateway: Gateway) -> None:
    async with connect(ws_url(gateway), subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406
