"""The change feed pushed: creditChanged sends each event once it is complete."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Sequence
from typing import Annotated

import strawberry
from graphql import GraphQLError

from gateway.audit.entry import AuditError
from gateway.events.cursor import Position
from gateway.events.feed import MAX_USCCS, CreditEvent, InvalidRead, horizon
from gateway.events.follow import follow
from schema.auditing import AUDIT_FAILED, entry_for
from schema.context import Context, Info
from schema.errors import BadUserInputError, ErrorCode, GatewayError
from schema.events.access import FIELD_GROUP, check_feed_access
from schema.events.queries import position_after
from schema.events.socket import SocketContext, authenticate
from schema.events.types import CreditEvent as CreditEventType
from schema.scalars import USCC

OPERATION = "creditChanged"


class UnauthenticatedError(GatewayError):
    """The socket's credential stopped being valid (expired, or its client disabled)."""

    code = ErrorCode.UNAUTHENTICATED


async def _start(context: Context, after: str | None) -> Position:
    if after is not None:
        return position_after(after)
    return await horizon(context.services.pool)


async def _still_admitted(context: Context) -> None:
    """Re-check the socket's credential before each delivery: a token expires, a client
    is disabled, while a subscription runs."""
    if isinstance(context, SocketContext):
        found = await authenticate(context)
        if isinstance(found, str):
            raise UnauthenticatedError(found)


async def _audit(context: Context, events: Sequence[CreditEvent]) -> None:
    """Write the audit row of a batch before it is sent."""
    writer = context.services.audit
    if writer is None:
        return
    try:
        entry = entry_for(context, (e.uscc for e in events), [FIELD_GROUP],
                          context.operation_name or OPERATION)
        await writer.append(entry)
    except AuditError:
        raise GraphQLError(
            AUDIT_FAILED,
            extensions={"code": ErrorCode.INTERNAL.value, "requestId": context.request_id},
        ) from None


async def credit_changed(
    info: Info,
    usccs: Annotated[
        list[USCC] | None,
        strawberry.argument(description="Only events of these enterprises (null: all)."),
    ] = None,
    after: Annotated[
        str | None,
        strawberry.argument(
            description="Resume after this cursor (an event's or a page's); null: the events "
            "that become complete from now on."
        ),
    ] = None,
) -> AsyncGenerator[CreditEventType, None]:
    context = info.context
    check_feed_access(context.principal)
    if usccs is not None and not 1 <= len(usccs) <= MAX_USCCS:
        raise BadUserInputError(f"usccs must hold 1 to {MAX_USCCS} codes (or be null for all)")
    start = await _start(context, after)
    hub = context.services.feed_hub
    batches = follow(context.services.pool, start, usccs) if hub is None else hub.follow(
        start, usccs
    )
    try:
        async with contextlib.aclosing(batches):  # leaves the hub as soon as it ends
            async for batch in batches:
                await _still_admitted(context)
                await _audit(context, batch)
                for event in batch:
                    yield CreditEventType.of(event)
    except InvalidRead as e:  # its cursor fell behind the retained feed
        raise BadUserInputError(str(e)) from None


@strawberry.type
class EventsSubscription:
    credit_changed: AsyncGenerator[CreditEventType, None] = strawberry.subscription(
        resolver=credit_changed,
        description="Each change of credit records once it is complete, in feed order: the "
        "events creditEvents lists. Over WebSocket (graphql-transport-ws), with "
        "{\"authorization\": \"Bearer <token>\", \"x-purpose\": \"<purpose>\"} as the "
        "connection_init payload. Needs the profile:read scope and a stated purpose.",
    )
