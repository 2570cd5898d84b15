"""Who may read the change feed, and what its audit rows record."""

from __future__ import annotations

from collections.abc import Iterable

from auth.principal import Principal
from auth.roles import Scope
from gateway.audit.entry import AuditEntry
from gateway.clock import utcnow
from schema.context import Context
from schema.enterprise.access import PURPOSE_NEEDED
from schema.errors import ForbiddenError

FIELD_GROUP = "events"
"""The audit field group of change feed events."""

NEEDS_PROFILE_READ = f"the change feed needs the {Scope.PROFILE_READ.value} scope"


def feed_refusal(principal: Principal) -> str | None:
    """Why `principal` may not read the feed; None when it may."""
    if not principal.has(Scope.PROFILE_READ):
        return NEEDS_PROFILE_READ
    if not principal.purpose:
        return PURPOSE_NEEDED
    return None


def check_feed_access(principal: Principal) -> None:
    """Raise FORBIDDEN unless `principal` may read the feed."""
    refusal = feed_refusal(principal)
    if refusal is not None:
        raise ForbiddenError(refusal)


def note_events(context: Context, usccs: Iterable[str]) -> None:
    """Note for the request's audit row the enterprises whose events it returned."""
    codes = set(usccs)
    if codes:
        context.touched.update(codes)
        context.field_groups.add(FIELD_GROUP)


def delivery_entry(context: Context, usccs: Iterable[str], operation: str) -> AuditEntry:
    """The audit row of events a subscription pushes (one per batch)."""
    principal = context.principal
    client = context.request.client
    return AuditEntry(
        at=utcnow(),
        client_id=principal.client_id,
        role=principal.role.value,
        purpose=principal.purpose,
        operation=context.operation_name or operation,
        usccs=tuple(sorted(set(usccs))),
        field_groups=(FIELD_GROUP,),
        verdicts=(),
        request_id=context.request_id,
        client_address=None if client is None else client.host,
    )
