"""Following the change feed: the events that become complete, as they do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence

from gateway.archive import Queryable
from gateway.events.cursor import Position
from gateway.events.feed import MAX_FIRST, CreditEvent, read_events

POLL_SECONDS = 0.5


async def follow(
    db: Queryable,
    after: Position,
    usccs: Sequence[str] | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> AsyncGenerator[list[CreditEvent], None]:
    """Batches of the events after `after`, for ever: each read that finds events yields
    them, and reads pause `poll_seconds` once the feed is read to its end."""
    position = after
    while True:
        page = await read_events(db, position, MAX_FIRST, usccs)
        position = page.end
        if page.events:
            yield page.events
        if not page.has_next:
            await asyncio.sleep(poll_seconds)
