"""Client secrets and the clients table: hashing, add, list, disable, rotate, bad values."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from auth.clients import (
    ClientError,
    add_client,
    client_role,
    client_scopes,
    disable_client,
    get_client,
    list_clients,
    rotate_secret,
)
from auth.roles import ROLE_SCOPES, Role, Scope
from auth.secrets import hash_secret, verify_secret


def test_a_secret_verifies_only_against_its_own_hash() -> None:
    stored = hash_secret("s3cret")
    assert stored.startswith("scrypt$") and "s3cret" not in stored
    assert verify_secret("s3cret", stored)
    assert not verify_secret("s3cret ", stored)
    assert hash_secret("s3cret") != stored  # salted


@pytest.mark.parametrize(
    "stored", ["", "plain", "bcrypt$1$2$3$x$y", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$%%$AA"]
)
def test_a_malformed_hash_never_verifies(stored: str) -> None:
    assert not verify_secret("anything", stored)


@pytest.fixture
async def clients_pool(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    await clean_archive.execute("TRUNCATE clients")
    return clean_archive


async def test_add_stores_only_a_hash_and_shows_the_secret_once(
    clients_pool: asyncpg.Pool[Any],
) -> None:
    async with clients_pool.acquire() as conn:
        made = await add_client(conn, " 汕头市公共资源交易中心 ", Role.PROCUREMENT,
                                ROLE_SCOPES[Role.PROCUREMENT])
        stored = await get_client(conn, made.client_id)
        raw = await conn.fetchval("SELECT row_to_json(c)::text FROM clients c")
    assert stored is not None and stored.active
    assert stored.name == "汕头市公共资源交易中心"
    assert stored.role is Role.PROCUREMENT and stored.scopes == {Scope.CREDIT_VERIFY}
    assert made.client_secret not in raw
    assert verify_secret(made.client_secret, stored.secret_hash)


async def test_disable_and_rotate(clients_pool: asyncpg.Pool[Any]) -> None:
    async with clients_pool.acquire() as conn:
        made = await add_client(conn, "partner", Role.PARTNER, ROLE_SCOPES[Role.PARTNER])
        rotated = await rotate_secret(conn, made.client_id)
        stored = await get_client(conn, made.client_id)
        assert stored is not None
        assert verify_secret(rotated.client_secret, stored.secret_hash)
        assert not verify_secret(made.client_secret, stored.secret_hash)
        assert await disable_client(conn, made.client_id) is True
        assert await disable_client(conn, made.client_id) is False
        with pytest.raises(ClientError, match="no active client"):
            await rotate_secret(conn, made.client_id)
        with pytest.raises(ClientError, match="no client"):
            await disable_client(conn, "cg_nobody")
        listed = await list_clients(conn)
    assert [c.client_id for c in listed] == [made.client_id]
    assert not listed[0].active


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "x" * 201])
async def test_a_bad_name_is_refused_and_nothing_is_stored(
    clients_pool: asyncpg.Pool[Any], name: str
) -> None:
    async with clients_pool.acquire() as conn:
        with pytest.raises(ClientError, match="name"):
            await add_client(conn, name, Role.PARTNER, ROLE_SCOPES[Role.PARTNER])
        assert await conn.fetchval("SELECT count(*) FROM clients") == 0


def test_roles_and_scopes_are_checked() -> None:
    with pytest.raises(ClientError, match="unknown role"):
        client_role("superuser")
    with pytest.raises(ClientError, match="not a client role"):
        client_role("public")
    with pytest.raises(ClientError, match="unknown scope"):
        client_scopes(Role.PARTNER, ["profile:write"])
    with pytest.raises(ClientError, match="may not hold"):
        client_scopes(Role.PROCUREMENT, ["risk:read"])
    assert client_scopes(Role.SUPERVISOR, ["risk:read"]) == {Scope.RISK_READ}
    assert client_scopes(Role.PARTNER, []) == ROLE_SCOPES[Role.PARTNER]
