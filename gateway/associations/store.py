"""SQL of association memberships."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

from gateway.archive import Queryable


@dataclasses.dataclass(frozen=True, slots=True)
class Membership:
    """One member enterprise of one association client."""

    client_id: str
    uscc: str
    added_at: dt.datetime
    added_by: str | None


async def add_member(
    conn: Queryable, client_id: str, uscc: str, now: dt.datetime, added_by: str | None
) -> Membership | None:
    """Store the membership; None when it already exists."""
    row = await conn.fetchrow(
        """
        INSERT INTO association_members (client_id, uscc, added_at, added_by)
        VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
        RETURNING client_id, uscc, added_at, added_by
        """,
        client_id, uscc, now, added_by,
    )
    return None if row is None else Membership(**dict(row))


async def remove_member(conn: Queryable, client_id: str, uscc: str) -> Membership | None:
    """Delete the membership; None when there was none."""
    row = await conn.fetchrow(
        "DELETE FROM association_members WHERE client_id = $1 AND uscc = $2"
        " RETURNING client_id, uscc, added_at, added_by",
        client_id, uscc,
    )
    return None if row is None else Membership(**dict(row))


async def members(conn: Queryable, client_id: str | None = None) -> list[Membership]:
    """The members of one association (every association's when None), by client and code."""
    rows = await conn.fetch(
        "SELECT client_id, uscc, added_at, added_by FROM association_members"
        " WHERE $1::text IS NULL OR client_id = $1 ORDER BY client_id, uscc",
        client_id,
    )
    return [Membership(**dict(r)) for r in rows]


async def members_among(
    conn: Queryable, client_id: str, usccs: Collection[str]
) -> frozenset[str]:
    """Which of these codes are members of the association."""
    if not usccs:
        return frozenset()
    rows = await conn.fetch(
        "SELECT uscc FROM association_members WHERE client_id = $1 AND uscc = ANY($2::text[])",
        client_id, list(usccs),
    )
    return frozenset(r["uscc"] for r in rows)


async def is_member(conn: Queryable, client_id: str, uscc: str) -> bool:
    return bool(await members_among(conn, client_id, [uscc]))


async def client_role(conn: Queryable, client_id: str) -> tuple[str, bool] | None:
    """The client's role and whether it is active; None when there is no such client."""
    row = await conn.fetchrow(
        "SELECT role, disabled_at IS NULL AS active FROM clients WHERE client_id = $1", client_id
    )
    return None if row is None else (row["role"], row["active"])


async def enterprise_known(conn: Queryable, uscc: str) -> bool:
    """Whether the archive has a registration of the code."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM records WHERE uscc = $1 AND kind = 'REGISTRATION')", uscc
    )
    return found
