"""Root field of the change feed: pages of events after a cursor."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.events.cursor import START, InvalidCursor, Position, parse_cursor
from gateway.events.feed import MAX_FIRST, InvalidRead, read_events
from schema.auditing import note_access
from schema.context import Info
from schema.errors import BadUserInputError
from schema.events.access import FIELD_GROUP, check_feed_access
from schema.events.types import CreditEventConnection
from schema.scalars import USCC

DEFAULT_FIRST = 100


def position_after(after: str | None) -> Position:
    """The position of an `after` argument (null: the start); BAD_USER_INPUT when invalid."""
    if after is None:
        return START
    try:
        return parse_cursor(after)
    except InvalidCursor as e:
        raise BadUserInputError(str(e)) from None


async def resolve_credit_events(
    info: Info,
    after: Annotated[
        str | None,
        strawberry.argument(description="A cursor of this feed; null: from the first event."),
    ] = None,
    first: Annotated[
        int | None,
        strawberry.argument(description=f"How many events, 1 to {MAX_FIRST} (null: 100)."),
    ] = DEFAULT_FIRST,
    usccs: Annotated[
        list[USCC] | None,
        strawberry.argument(description="Only events of these enterprises (null: all)."),
    ] = None,
) -> CreditEventConnection:
    check_feed_access(info.context.principal)
    position = position_after(after)
    try:
        page = await read_events(
            info.context.services.pool, position, DEFAULT_FIRST if first is None else first, usccs
        )
    except InvalidRead as e:
        raise BadUserInputError(str(e)) from None
    note_access(info.context, (event.uscc for event in page.events), FIELD_GROUP)
    return CreditEventConnection.of(page)


@strawberry.type
class EventsQuery:
    credit_events: CreditEventConnection = strawberry.field(
        resolver=resolve_credit_events,
        description="Changes of credit records (received, changed, listed, removed, "
        "repaired) in feed order: every consumer sees the same order, and resuming from a "
        "cursor never skips or repeats an event. An event is listed once the transaction "
        "that wrote it, and every one that began writing before it, has ended. Needs the "
        "profile:read scope and a stated purpose.",
    )
