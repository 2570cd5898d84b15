"""Generate the data set into the demo systems' storage, chunk by chunk.

Chunks are generated and encoded in worker processes (or a thread, for small data sets) while
the previous ones are copied into PostgreSQL and appended to the drop files, so memory holds
a few chunks at most, whatever the size. A manifest written last records what was built; a
restart with the same seed and size finds it and skips the work.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import hashlib
import heapq
import json
import multiprocessing
import os
import shutil
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

import asyncpg

from adapters.demo import (
    codes,
    commitments,
    context,
    days,
    draws,
    encode,
    enterprise,
    faults,
    generator,
    industries,
    inspections,
    labels,
    layout,
    licences,
    listings,
    names,
    penalties,
    persons,
    places,
    store,
    violations,
)
from adapters.demo.context import Fault
from adapters.demo.drops import PART_SUFFIX, DropWriter
from adapters.demo.encode import TABLE_FEEDS, EncodedChunk, csv_bytes, generate_encoded
from adapters.demo.generator import Generator
from adapters.demo.layout import PENALTIES

_DATA_MODULES = (codes, commitments, context, days, draws, encode, enterprise, faults, generator,
                 industries, inspections, labels, layout, licences, listings, names, penalties,
                 persons, places, violations)


def _fingerprint() -> str:
    """A digest of the code that decides the rows: any change to it makes a new data set."""
    digest = hashlib.sha256()
    for module in _DATA_MODULES:
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


VERSION = _fingerprint()
"""Changes whenever the generator could produce different rows for the same seed."""
MANIFEST = "manifest.json"
GROUND_TRUTH = "ground_truth.csv"
FAULTS = "faults.csv"
SAMPLES = 3

Progress = Callable[[int, int], None]
"""Called with (enterprises done, enterprises in all) after each chunk."""


@dataclasses.dataclass(frozen=True, slots=True)
class Manifest:
    """What a data folder holds."""

    seed: int
    enterprises: int
    version: str
    counts: dict[str, int]
    faults: int
    samples: list[str]
    files: list[str]
    """Drop files, relative to the drop folder."""

    def save(self, path: Path) -> None:
        part = path.with_name(path.name + PART_SUFFIX)
        part.write_text(json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1),
                        encoding="utf-8")
        os.replace(part, path)

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        """The manifest in `path`, or None if there is none or it is unreadable."""
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


def rows_per_file(enterprises: int) -> int:
    """Drop files of about a tenth of the enterprise count, 100 to 50,000 rows."""
    return max(100, min(50_000, enterprises // 10))


def default_workers(enterprises: int) -> int:
    """Worker processes worth starting: none below 20,000 enterprises, else up to two."""
    return 1 if enterprises < 20_000 else max(1, min(2, os.cpu_count() or 1))


async def produce(generator: Generator, workers: int,
                  consume: Callable[[EncodedChunk], Awaitable[None]]) -> None:
    """Generate every chunk in order and hand each to `consume` as soon as it is ready."""
    seed, total, count = generator.seed, generator.enterprises, generator.chunk_count
    if workers <= 1 or count == 1:
        for index in range(count):
            await consume(await asyncio.to_thread(generate_encoded, seed, total, index))
        return
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    pending: collections.deque[asyncio.Future[EncodedChunk]] = collections.deque()
    try:
        for index in range(count):
            pending.append(loop.run_in_executor(pool, generate_encoded, seed, total, index))
            if len(pending) > 2 * workers:
                await consume(await pending.popleft())
        while pending:
            await consume(await pending.popleft())
    finally:
        for future in pending:
            future.cancel()
        await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)


@dataclasses.dataclass(slots=True)
class _Collector:
    """Everything a build accumulates besides the rows themselves."""

    penalties: DropWriter
    listings: DropWriter
    truths: BinaryIO
    counts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    faults: list[Fault] = dataclasses.field(default_factory=list)
    showcase: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)
    done: int = 0


async def build(conn: asyncpg.Connection[Any], data_dir: Path, seed: int, enterprises: int,
                *, workers: int | None = None, progress: Progress | None = None) -> Manifest:
    """Generate the data set, load it and write its files; returns the new manifest."""
    generator = Generator(seed, enterprises)
    drops = data_dir / "drops"
    _clear(data_dir, drops)
    await store.prepare(conn)
    per_file = rows_per_file(enterprises)
    truths_part = data_dir / (GROUND_TRUTH + PART_SUFFIX)
    with truths_part.open("wb") as truths:
        truths.write(b"uscc,risk\n")
        c = _Collector(
            DropWriter(drops, f"xzcf-{seed}-{enterprises}", ".csv",
                       csv_bytes([PENALTIES.columns]), per_file),
            DropWriter(drops, f"mdxx-{seed}-{enterprises}", ".jsonl", rows_per_file=per_file),
            truths)

        async def consume(chunk: EncodedChunk) -> None:
            await _store_chunk(conn, c, chunk)
            if progress is not None:
                progress(c.done, enterprises)

        try:
            await produce(generator, workers or default_workers(enterprises), consume)
        except BaseException:
            for writer in (c.penalties, c.listings):  # a partial data set must not be read
                writer.abandon()
                for finished in writer.files:
                    finished.unlink(missing_ok=True)
            truths_part.unlink(missing_ok=True)
            raise
    os.replace(truths_part, data_dir / GROUND_TRUTH)
    await store.finish(conn, seed, enterprises, VERSION)
    return _finish(data_dir, drops, generator, c)


async def _store_chunk(conn: asyncpg.Connection[Any], c: _Collector, chunk: EncodedChunk) -> None:
    for feed in TABLE_FEEDS:
        await store.load(conn, feed, chunk.tables[feed])
    c.penalties.write(chunk.penalties)
    c.listings.write(chunk.listings)
    c.truths.write(chunk.truths)
    c.counts.update(chunk.counts)
    c.faults.extend(chunk.faults)
    for entry in chunk.showcase:
        heapq.heappush(c.showcase, entry)
        if len(c.showcase) > SAMPLES:
            heapq.heappop(c.showcase)
    c.done += chunk.enterprises


def _finish(data_dir: Path, drops: Path, generator: Generator, c: _Collector) -> Manifest:
    files = c.penalties.close() + c.listings.close()
    (data_dir / FAULTS).write_bytes(
        csv_bytes([("source", "feed", "record_id", "uscc", "problem")])
        + csv_bytes((f.source, f.feed, f.record_id, f.uscc, f.problem) for f in c.faults))
    manifest = Manifest(
        generator.seed, generator.enterprises, VERSION, dict(sorted(c.counts.items())),
        len(c.faults), [uscc for _, _, uscc in sorted(c.showcase, reverse=True)],
        [str(f.relative_to(drops)) for f in files])
    manifest.save(data_dir / MANIFEST)
    return manifest


def _clear(data_dir: Path, drops: Path) -> None:
    """Remove what an earlier build left (only the files a build writes)."""
    (data_dir / MANIFEST).unlink(missing_ok=True)
    if drops.exists():
        shutil.rmtree(drops)
    drops.mkdir(parents=True)


def is_current(manifest: Manifest | None, loaded: tuple[int, int, str] | None, drops: Path,
               seed: int, enterprises: int) -> bool:
    """Whether the data folder and the database both hold this data set, complete."""
    wanted = (seed, enterprises, VERSION)
    return (manifest is not None and loaded == wanted
            and (manifest.seed, manifest.enterprises, manifest.version) == wanted
            and all((drops / name).is_file() for name in manifest.files))

