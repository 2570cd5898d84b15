"""The hand-over from reader to writer: small batches join while the writer is busy, never
past the batch size, never holding one record twice, and never keeping the writer waiting."""

from __future__ import annotations

import asyncio

from adapters.mapping import Quarantined
from gateway.archive.store import Incoming
from gateway.records import RecordKind
from gateway.sync import BatchChannel, MappedBatch, ReadFailed


def _batch(*ids: str, page: int, bad: int = 0) -> MappedBatch:
    good = [
        Incoming(RecordKind.LICENSE, "licences", i, "91440507MA4UB0002X", "{}", b"", None, None)
        for i in ids
    ]
    quarantined = [Quarantined("licences", f"page {page}#{n}", "bad", {}) for n in range(bad)]
    return MappedBatch(good, quarantined, {"page": page}, len(ids) + bad)


async def test_batches_waiting_for_a_busy_writer_are_joined() -> None:
    channel = BatchChannel(limit=5, depth=3)
    await channel.put(_batch("a", "b", page=1))
    await channel.put(_batch("c", page=2, bad=1))
    await channel.put(_batch("d", "e", page=3))  # 6 rows with the first two: a new batch
    await channel.put(None)
    first = await channel.get()
    assert isinstance(first, MappedBatch)
    assert [i.record_id for i in first.good] == ["a", "b", "c"]
    assert [q.position for q in first.bad] == ["page 2#0"]
    assert (first.rows, first.cursor) == (4, {"page": 2})  # the later batch's cursor
    second = await channel.get()
    assert isinstance(second, MappedBatch) and second.cursor == {"page": 3}
    assert await channel.get() is None


async def test_a_record_read_twice_is_not_joined_with_its_earlier_version() -> None:
    channel = BatchChannel(limit=100)
    await channel.put(_batch("a", "b", page=1))
    await channel.put(_batch("c", "a", page=2))
    await channel.put(_batch("d", page=3))
    first, second = await channel.get(), await channel.get()
    assert isinstance(first, MappedBatch) and isinstance(second, MappedBatch)
    assert [i.record_id for i in first.good] == ["a", "b"]
    assert [i.record_id for i in second.good] == ["c", "a", "d"]


async def test_a_batch_taken_by_the_writer_is_not_held_back() -> None:
    channel = BatchChannel(limit=100)
    waiting = asyncio.create_task(channel.get())
    await asyncio.sleep(0)
    await channel.put(_batch("a", page=1))
    taken = await asyncio.wait_for(waiting, timeout=5)
    assert isinstance(taken, MappedBatch) and taken.rows == 1
    await channel.put(_batch("b", page=2))  # joins nothing: the first is already written
    later = await channel.get()
    assert isinstance(later, MappedBatch) and [i.record_id for i in later.good] == ["b"]


async def test_the_reader_waits_when_the_writer_is_behind() -> None:
    channel = BatchChannel(limit=1, depth=2)
    await channel.put(_batch("a", page=1))
    await channel.put(_batch("b", page=2))
    third = asyncio.create_task(channel.put(_batch("c", page=3)))
    await asyncio.sleep(0.05)
    assert not third.done()
    assert isinstance(await channel.get(), MappedBatch)
    await asyncio.wait_for(third, timeout=5)


async def test_an_error_ends_the_hand_over_after_the_batches_before_it() -> None:
    channel = BatchChannel(limit=100)
    await channel.put(_batch("a", page=1))
    failed = ReadFailed(RuntimeError("source crashed"))
    await channel.put(failed)
    first = await channel.get()
    assert isinstance(first, MappedBatch) and first.rows == 1
    assert await channel.get() is failed
