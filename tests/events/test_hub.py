"""The process's shared reader of the change feed: every subscriber gets each of its events
once and in order, also when it resumes from an old cursor or falls behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from gateway.events import hub as hub_module
from gateway.events.cursor import START
from gateway.events.feed import CreditEvent, horizon
from gateway.events.hub import FeedHub
from tests.archive.rows import code, put_record, registration
from tests.events.support import settled

WAIT = 30.0
"""Seconds to wait for events that must come (a bound against hanging, not a timing)."""


@pytest.fixture
async def hub(feed_pool: asyncpg.Pool[Any]) -> AsyncIterator[FeedHub]:
    shared = FeedHub(feed_pool, poll_seconds=0.05)
    yield shared
    await shared.aclose()


async def _write(pool: asyncpg.Pool[Any], *numbers: int) -> None:
    for n in numbers:
        await put_record(pool, registration(code(n), f"汕头市共享{n}号有限公司"))


async def _take(stream: AsyncIterator[list[CreditEvent]], count: int) -> list[CreditEvent]:
    taken: list[CreditEvent] = []
    while len(taken) < count:
        taken += await asyncio.wait_for(anext(stream), WAIT)
    return taken


async def test_subscribers_share_the_hub_and_get_only_their_codes(
    hub: FeedHub, feed_pool: asyncpg.Pool[Any]
) -> None:
    mine, theirs = code(301), code(302)
    now = await horizon(feed_pool)
    first = hub.follow(now, [mine])  # from now: new events only
    second = hub.follow(now, [theirs])
    both = hub.follow(now)
    pending = [asyncio.ensure_future(_take(s, n)) for s, n in ((first, 2), (second, 1),
                                                               (both, 3))]
    await asyncio.sleep(0.2)  # let them join
    await _write(feed_pool, 301, 302)
    await put_record(feed_pool, registration(mine, "汕头市共享301号（改名）有限公司"))
    got_first, got_second, got_both = await asyncio.gather(*pending)
    assert [(e.uscc, e.version) for e in got_first] == [(mine, 1), (mine, 2)]
    assert [(e.uscc, e.version) for e in got_second] == [(theirs, 1)]
    assert [e.position for e in got_both] == sorted(e.position for e in got_both)
    assert len({e.position for e in got_both}) == 3


async def test_a_resumed_subscriber_catches_up_then_joins_without_repeats(
    hub: FeedHub, feed_pool: asyncpg.Pool[Any]
) -> None:
    await _write(feed_pool, 311, 312)
    await settled(feed_pool)
    now = await horizon(feed_pool)
    live = hub.follow(now)  # starts the hub at the present
    live_batch = asyncio.ensure_future(_take(live, 1))
    await asyncio.sleep(0.2)
    resumed = hub.follow(START)
    taken = asyncio.ensure_future(_take(resumed, 3))
    await asyncio.sleep(0.2)
    await _write(feed_pool, 313)
    events = await taken
    await live_batch
    assert [e.uscc for e in events] == [code(311), code(312), code(313)]


async def test_a_slow_subscriber_is_dropped_and_catches_up_losing_nothing(
    hub: FeedHub, feed_pool: asyncpg.Pool[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "QUEUE_BATCHES", 1)
    now = await horizon(feed_pool)
    slow = hub.follow(now)
    first = asyncio.ensure_future(_take(slow, 1))
    await asyncio.sleep(0.2)
    for n in range(321, 326):  # several polls' worth while the subscriber does not read
        await _write(feed_pool, n)
        await settled(feed_pool)
        await asyncio.sleep(0.15)
    assert not hub._subscribers  # its queue overflowed: the hub let it go
    events = await first
    events += await _take(slow, 5 - len(events))
    assert [e.uscc for e in events] == [code(n) for n in range(321, 326)]


async def test_the_hub_stops_without_subscribers_and_starts_again(
    hub: FeedHub, feed_pool: asyncpg.Pool[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "IDLE_POLLS", 2)
    now = await horizon(feed_pool)
    first = hub.follow(now)
    taken = asyncio.ensure_future(_take(first, 1))
    await asyncio.sleep(0.2)
    await _write(feed_pool, 331)
    await taken
    await first.aclose()  # leaves the hub
    for _ in range(200):
        if hub._task is None:
            break
        await asyncio.sleep(0.05)
    assert hub._task is None
    again = hub.follow(now)
    assert [e.uscc for e in await _take(again, 1)] == [code(331)]  # caught up on its own
    waiting = asyncio.ensure_future(_take(again, 1))
    await asyncio.sleep(0.2)
    await _write(feed_pool, 332)
    assert [e.uscc for e in await waiting] == [code(332)]
