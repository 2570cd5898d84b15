"""Administrators' changes to association memberships, checked before they are stored."""

from __future__ import annotations

from auth.roles import Role
from gateway.archive import Queryable
from gateway.associations import store
from gateway.associations.store import Membership
from gateway.clock import utcnow

MAX_CLIENT_ID = 200


class MembershipError(ValueError):
    """A membership change cannot be made; the message says why."""


async def add_member(
    conn: Queryable, client_id: str, uscc: str, added_by: str | None = None
) -> Membership:
    """Make enterprise `uscc` (a valid code) a member of association client `client_id`."""
    client_id = await _association(conn, client_id, adding=True)
    if not await store.enterprise_known(conn, uscc):
        raise MembershipError(f"no source knows the enterprise {uscc}")
    added = await store.add_member(conn, client_id, uscc, utcnow(), added_by)
    if added is None:
        raise MembershipError(f"{uscc} is already a member of {client_id}")
    return added


async def remove_member(conn: Queryable, client_id: str, uscc: str) -> Membership:
    """End the membership of `uscc` in association client `client_id`."""
    client_id = await _association(conn, client_id, adding=False)
    removed = await store.remove_member(conn, client_id, uscc)
    if removed is None:
        raise MembershipError(f"{uscc} is not a member of {client_id}")
    return removed


async def list_members(conn: Queryable, client_id: str | None) -> list[Membership]:
    """The members of one association client, or of all when `client_id` is None."""
    if client_id is not None:
        client_id = await _association(conn, client_id, adding=False)
    return await store.members(conn, client_id)


async def _association(conn: Queryable, client_id: str, *, adding: bool) -> str:
    """The trimmed id of an association client; a disabled one gets no new members."""
    wanted = client_id.strip()
    if not wanted or len(wanted) > MAX_CLIENT_ID:
        raise MembershipError(f"not a client id: {client_id!r}")
    found = await store.client_role(conn, wanted)
    if found is None:
        raise MembershipError(f"no client {wanted!r}")
    role, active = found
    if role != Role.ASSOCIATION.value:
        raise MembershipError(
            f"client {wanted!r} has role {role}: only association clients have members"
        )
    if adding and not active:
        raise MembershipError(f"client {wanted!r} is disabled")
    return wanted
