"""Root field of the audit domain: one enterprise's audit trail, for supervisors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.audit.trail import InvalidTrailQuery, audit_trail, check_window
from schema.audit.types import AuditEvent
from schema.context import Info
from schema.errors import BadUserInputError
from schema.permissions import require
from schema.scalars import USCC

DEFAULT_FIRST = 100


async def resolve_audit_trail(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    since: Annotated[
        dt.datetime | None, strawberry.argument(description="Only requests at or after this.")
    ] = strawberry.UNSET,
    until: Annotated[
        dt.datetime | None, strawberry.argument(description="Only requests before this.")
    ] = strawberry.UNSET,
    first: Annotated[
        int | None, strawberry.argument(description="How many, 1 to 500 (null: 100).")
    ] = DEFAULT_FIRST,
) -> list[AuditEvent]:
    require(info, Scope.AUDIT_READ)
    count = DEFAULT_FIRST if first is None else first
    since = None if since is strawberry.UNSET else since
    until = None if until is strawberry.UNSET else until
    try:
        check_window(since, until, count)
    except InvalidTrailQuery as e:
        raise BadUserInputError(str(e)) from None
    async with info.context.services.pool.acquire() as conn:
        events = await audit_trail(conn, uscc, since, until, count)
    return [AuditEvent.of(event) for event in events]


@strawberry.type
class AuditQuery:
    audit_trail: list[AuditEvent] = strawberry.field(
        resolver=resolve_audit_trail,
        description="Requests that touched one enterprise's data, newest first. Needs the "
        "audit:read scope.",
    )
