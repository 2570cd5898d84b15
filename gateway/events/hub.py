"""One reader of the change feed per process, shared by every subscription.

Without it each subscription polls the feed on its own: N subscriptions, N queries per poll.
The hub polls once and hands each batch of complete events to every subscriber's queue;
a subscriber filters the batches by its codes.

A subscriber resuming from an older cursor first catches up on its own (`read_events` from
its position) until it passes the hub's position at the moment it joined, then takes the
hub's batches. Both readers return complete events in feed order, so dropping every event
at or before the last position delivered gives each event exactly once, in order. A
subscriber whose queue fills up (a slow client) is dropped by the hub and simply catches up
again from its last position: it loses nothing, it only stops slowing the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import asyncpg

from gateway.events.cursor import Position
from gateway.events.feed import MAX_FIRST, CreditEvent, horizon, read_events
from gateway.events.follow import POLL_SECONDS

log = logging.getLogger(__name__)

QUEUE_BATCHES = 64
"""Batches a subscriber may have waiting before the hub drops it (it then catches up)."""
IDLE_POLLS = 60
"""Polls without a subscriber after which the hub stops (about half a minute)."""


@dataclasses.dataclass(eq=False, slots=True)
class _Subscriber:
    joined_at: Position
    """The hub's position when it joined: the hub hands it every batch after this."""
    queue: asyncio.Queue[list[CreditEvent] | None] = dataclasses.field(
        default_factory=lambda: asyncio.Queue(QUEUE_BATCHES)
    )


class FeedHub:
    """Polls the feed once for every subscription of the process (see the module's text)."""

    def __init__(self, pool: asyncpg.Pool[Any], poll_seconds: float = POLL_SECONDS) -> None:
        self._pool = pool
        self._poll_seconds = poll_seconds
        self._subscribers: set[_Subscriber] = set()
        self._position: Position | None = None
        self._task: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def follow(
        self, after: Position, usccs: Sequence[str] | None = None
    ) -> AsyncGenerator[list[CreditEvent], None]:
        """Batches of the events after `after` (of `usccs`; None: all), for ever."""
        wanted = None if usccs is None else frozenset(usccs)
        last = after
        while True:
            subscriber = await self._join()
            try:
                async for caught_up in self._catch_up(last, subscriber.joined_at, usccs):
                    last = caught_up[-1].position
                    yield caught_up
                while (batch := await subscriber.queue.get()) is not None:
                    events = [e for e in batch if e.position > last
                              and (wanted is None or e.uscc in wanted)]
                    last = max(last, batch[-1].position)
                    if events:
                        yield events
            finally:
                self._subscribers.discard(subscriber)

    async def _catch_up(
        self, after: Position, until: Position, usccs: Sequence[str] | None
    ) -> AsyncGenerator[list[CreditEvent], None]:
        """The subscriber's own reads, from `after` until it has passed `until`."""
        position = after
        while position < until:
            page = await read_events(self._pool, position, MAX_FIRST, usccs)
            position = page.end
            if page.events:
                yield page.events
            if not page.has_next:
                return

    async def _join(self) -> _Subscriber:
        """A new subscriber, joined at the hub's current position (the hub starts if idle)."""
        async with self._starting:
            if self._task is None:
                self._position = await horizon(self._pool)
                self._task = asyncio.create_task(self._run())
        assert self._position is not None
        subscriber = _Subscriber(self._position)
        self._subscribers.add(subscriber)
        return subscriber

    async def _run(self) -> None:
        idle = 0
        while True:
            idle = 0 if self._subscribers else idle + 1
            if idle > IDLE_POLLS:
                # Nobody listens: stop; the next subscriber starts the hub again. No await
                # between the check and the reset, so no subscriber can join in between.
                self._task = None
                return
            try:
                has_next = await self._poll()
            except Exception:
                # Subscribers wait on this task: it must outlive any failure of one read.
                log.exception("reading the change feed failed, retrying")
                has_next = False
            if not has_next:
                await asyncio.sleep(self._poll_seconds)

    async def _poll(self) -> bool:
        """Read one page after the hub's position and hand it out; whether more follow."""
        assert self._position is not None
        page = await read_events(self._pool, self._position, MAX_FIRST)
        # No await from here on: a subscriber joins either before this page or after it.
        self._position = page.end
        if page.events:
            for subscriber in list(self._subscribers):
                self._hand(subscriber, page.events)
        return page.has_next

    def _hand(self, subscriber: _Subscriber, events: list[CreditEvent]) -> None:
        try:
            subscriber.queue.put_nowait(events)
        except asyncio.QueueFull:
            # Too slow: drop it; the sentinel sends it back to catching up on its own.
            self._subscribers.discard(subscriber)
            while not subscriber.queue.empty():
                subscriber.queue.get_nowait()
            subscriber.queue.put_nowait(None)

    async def aclose(self) -> None:
        """Stop polling."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
