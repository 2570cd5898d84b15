"""The clients of the token endpoint, stored in the archive.

A secret is shown once, when the client is added or its secret rotated; only its hash is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

import asyncpg

from auth.roles import Role, Scope, ScopeError, allowed_scopes
from auth.secrets import hash_secret, new_secret
from gateway.clock import utcnow
from gateway.database import Connection

_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,200}\Z")


class ClientError(ValueError):
    """A client operation cannot be done; the message says why."""


@dataclasses.dataclass(frozen=True, slots=True)
class StoredClient:
    """A client as the archive keeps it."""

    client_id: str
    name: str
    role: Role
    scopes: frozenset[Scope]
    secret_hash: str
    created_at: dt.datetime
    secret_rotated_at: dt.datetime
    disabled_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclasses.dataclass(frozen=True, slots=True)
class Credentials:
    """What the caller must keep: shown once, never stored in clear."""

    client_id: str
    client_secret: str


def new_client_id() -> str:
    return "cg_" + secrets.token_hex(10)


def client_role(text: str) -> Role:
    """A role a client may have (any but public); ClientError otherwise."""
    try:
        role = Role(text)
    except ValueError:
        roles = ", ".join(r.value for r in Role if r is not Role.PUBLIC)
        raise ClientError(f"unknown role {text!r}; one of {roles}") from None
    if role is Role.PUBLIC:
        raise ClientError("public is every caller without a token; it is not a client role")
    return role


def client_scopes(role: Role, asked: Iterable[str]) -> frozenset[Scope]:
    """The scopes a new client gets: those asked for (all of the role's when none)."""
    try:
        wanted = frozenset(Scope(s) for s in asked)
    except ValueError as exc:
        raise ClientError(f"unknown scope: {exc}") from None
    try:
        return allowed_scopes(role, wanted)
    except ScopeError as exc:
        raise ClientError(str(exc)) from None


async def add_client(
    conn: Connection, name: str, role: Role, scopes: frozenset[Scope]
) -> Credentials:
    """Store a new client; returns its id and secret (the only time the secret is seen)."""
    if not _NAME.match(name) or not name.strip():
        raise ClientError("a client name is 1 to 200 printable characters")
    credentials = Credentials(new_client_id(), new_secret())
    now = utcnow()
    await conn.execute(
        """
        INSERT INTO clients (client_id, name, role, scopes, secret_hash, created_at,
                             secret_rotated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6)
        """,
        credentials.client_id,
        name.strip(),
        role.value,
        sorted(s.value for s in scopes),
        hash_secret(credentials.client_secret),
        now,
    )
    return credentials


async def get_client(
    conn: Connection | asyncpg.Pool[Any], client_id: str
) -> StoredClient | None:
    """The client with this id, or None."""
    row = await conn.fetchrow("SELECT * FROM clients WHERE client_id = $1", client_id)
    return None if row is None else _client(row)


async def list_clients(conn: Connection) -> list[StoredClient]:
    """Every client, oldest first."""
    rows = await conn.fetch("SELECT * FROM clients ORDER BY created_at, client_id")
    return [_client(r) for r in rows]


async def disable_client(conn: Connection, client_id: str) -> bool:
    """Disable a client: its tokens stop working at once. False when it already was."""
    status: str | None = await conn.fetchval(
        """
        WITH target AS (SELECT client_id, disabled_at FROM clients WHERE client_id = $1),
             changed AS (UPDATE clients SET disabled_at = $2
                         WHERE client_id = $1 AND disabled_at IS NULL RETURNING 1)
        SELECT CASE WHEN EXISTS (SELECT 1 FROM changed) THEN 'disabled'
                    WHEN EXISTS (SELECT 1 FROM target) THEN 'already' END
        """,
        client_id,
        utcnow(),
    )
    if status is None:
        raise ClientError(f"no client {client_id!r}")
    return status == "disabled"


async def rotate_secret(conn: Connection, client_id: str) -> Credentials:
    """Give a client a new secret (the old one stops working); returns the new one."""
    secret = new_secret()
    found = await conn.fetchval(
        """
        UPDATE clients SET secret_hash = $2, secret_rotated_at = $3
        WHERE client_id = $1 AND disabled_at IS NULL RETURNING 1
        """,
        client_id,
        hash_secret(secret),
        utcnow(),
    )
    if found is None:
        raise ClientError(f"no active client {client_id!r}")
    return Credentials(client_id, secret)


def _client(row: asyncpg.Record) -> StoredClient:
    return StoredClient(
        client_id=row["client_id"],
        name=row["name"],
        role=Role(row["role"]),
        scopes=frozenset(Scope(s) for s in row["scopes"] if s in Scope._value2member_map_),
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        secret_rotated_at=row["secret_rotated_at"],
        disabled_at=row["disabled_at"],
    )
