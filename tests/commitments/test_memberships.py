"""addAssociationMember and removeAssociationMember: each bad argument refused with nothing
stored, and only administrators may change memberships."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from auth.clients import disable_client
from auth.roles import Role
from tests.archive.rows import code
from tests.auth.conftest import Gateway, bearer, new_client, post
from tests.commitments.support import enterprise, refused, taken
from tests.schema.conftest import graphql

MEMBERSHIP = "associationClientId uscc addedAt addedBy"
ADD = f"""
mutation($client: String!, $uscc: USCC!) {{
  addAssociationMember(associationClientId: $client, uscc: $uscc) {{ {MEMBERSHIP} }} }}
"""
REMOVE = ADD.replace("addAssociationMember", "removeAssociationMember")


async def _members(pool: asyncpg.Pool[Any]) -> list[tuple[str, str]]:
    rows = await pool.fetch("SELECT client_id, uscc FROM association_members ORDER BY 1, 2")
    return [(r["client_id"], r["uscc"]) for r in rows]


async def test_a_member_is_added_once_and_removed_once(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    association = (await new_client(clean_archive, Role.ASSOCIATION)).client_id
    added = taken(await graphql(client, ADD, {"client": f" {association} ", "uscc": uscc}),
                  "addAssociationMember")
    assert added["associationClientId"] == association and added["uscc"] == uscc
    assert added["addedBy"] == "unauthenticated" and added["addedAt"]
    assert await _members(clean_archive) == [(association, uscc)]
    message = refused(await graphql(client, ADD, {"client": association, "uscc": uscc}))
    assert message == f"{uscc} is already a member of {association}"
    removed = taken(await graphql(client, REMOVE, {"client": association, "uscc": uscc}),
                    "removeAssociationMember")
    assert removed == added
    assert await _members(clean_archive) == []
    message = refused(await graphql(client, REMOVE, {"client": association, "uscc": uscc}))
    assert message == f"{uscc} is not a member of {association}"


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        ("cg_nobody", "no client 'cg_nobody'"),
        ("   ", "not a client id: '   '"),
        ("c" * 201, "not a client id"),
        ("PARTNER", "has role partner: only association clients have members"),
        ("DISABLED", "is disabled"),
    ],
)
async def test_only_an_active_association_client_gets_members(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], client_id: str, message: str
) -> None:
    uscc = await enterprise(clean_archive, 2)
    if client_id == "PARTNER":
        client_id = (await new_client(clean_archive, Role.PARTNER)).client_id
    if client_id == "DISABLED":
        client_id = (await new_client(clean_archive, Role.ASSOCIATION)).client_id
        async with clean_archive.acquire() as conn:
            await disable_client(conn, client_id)
    assert message in refused(await graphql(client, ADD, {"client": client_id, "uscc": uscc}))
    assert await _members(clean_archive) == []


async def test_an_unknown_or_invalid_enterprise_is_refused(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    association = (await new_client(clean_archive, Role.ASSOCIATION)).client_id
    unknown = code(3)
    message = refused(await graphql(client, ADD, {"client": association, "uscc": unknown}))
    assert message == f"no source knows the enterprise {unknown}"
    body = await graphql(client, ADD, {"client": association, "uscc": "914405"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_USCC"
    body = await graphql(client, ADD, {"client": None, "uscc": unknown})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await _members(clean_archive) == []


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ASSOCIATION, Role.PUBLIC])
async def test_only_administrators_change_memberships(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any], role: Role
) -> None:
    uscc = await enterprise(clean_archive, 4)
    association = (await new_client(clean_archive, Role.ASSOCIATION)).client_id
    headers = {} if role is Role.PUBLIC else await bearer(gateway, clean_archive, role)
    for document in (ADD, REMOVE):
        body = await post(gateway, document, {"client": association, "uscc": uscc}, headers)
        assert refused(body, "FORBIDDEN") == "needs the clients:admin scope"
    assert await _members(clean_archive) == []
