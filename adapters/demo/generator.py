"""The deterministic demo data set: a Shantou (440500) population of enterprises and their
registration, licensing, enforcement and inspection records.

Enterprises are generated in chunks of CHUNK_SIZE consecutive indexes. Each chunk has its own
`random.Random` seeded from (seed, chunk index), and every identifier is derived from the
enterprise index or from sequence numbers interleaved across chunks, so a chunk's rows depend
only on the seed, the number of enterprises and the chunk index: the same seed gives the same
rows, chunks can be generated in any order or in parallel, and memory stays bounded by one
chunk however many enterprises there are.

Each enterprise has a synthetic risk in 0..1 (see enterprise.py) that drives its count of
penalties, negative inspections, unqualified samples and list entries. It is exposed only as
ground truth (`Chunk.truths`, `Generator.truths()`), never in a source system's rows.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator

from adapters.demo import (
    commitments,
    enterprise,
    faults,
    inspections,
    licences,
    listings,
    penalties,
)
from adapters.demo.codes import CodeMaker, Numbering
from adapters.demo.context import Chunk, Context, Enterprise

CHUNK_SIZE = 5000
MAX_ENTERPRISES = 9_999_999
"""Record ids carry the enterprise index in 7 digits."""
_SHOWCASE = 5


class Generator:
    """The data set of `enterprises` enterprises for `seed`."""

    def __init__(self, seed: int = 2026, enterprises: int = 2000) -> None:
        if isinstance(enterprises, bool) or not isinstance(enterprises, int):
            raise TypeError(f"enterprises must be an int, not {type(enterprises).__name__}")
        if not 1 <= enterprises <= MAX_ENTERPRISES:
            raise ValueError(f"enterprises must be 1 to {MAX_ENTERPRISES:,}, got {enterprises}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, not {type(seed).__name__}")
        self.seed = seed
        self.enterprises = enterprises
        self.chunk_count = -(-enterprises // CHUNK_SIZE)
        self._codes = CodeMaker(seed)

    def chunk(self, index: int) -> Chunk:
        """The rows of enterprises index·CHUNK_SIZE up to the next chunk."""
        if not 0 <= index < self.chunk_count:
            raise IndexError(f"chunk {index} is outside 0..{self.chunk_count - 1}")
        first = index * CHUNK_SIZE
        label = f"credit-gateway-demo:{self.seed}:{index}"
        rng = random.Random(label)  # noqa: S311 (synthetic)
        personal = random.Random(label + ":personal")  # noqa: S311 (synthetic)
        ctx = Context(rng, Numbering(index, self.chunk_count), Chunk(index, first), personal)
        for i in range(first, min(first + CHUNK_SIZE, self.enterprises)):
            self._enterprise(ctx, i)
        return ctx.out

    def chunks(self) -> Iterator[Chunk]:
        for index in range(self.chunk_count):
            yield self.chunk(index)

    def truths(self) -> Iterator[tuple[str, float]]:
        """(uscc, synthetic risk) of every enterprise: ground truth for evaluating a risk model."""
        for chunk in self.chunks():
            yield from chunk.truths

    def _enterprise(self, ctx: Context, index: int) -> None:
        out = ctx.out
        fault = faults.fault_for(index)
        start = len(faults.rows_of(out, fault[1].feed)) if fault else 0
        e = enterprise.create(ctx, index, self._codes)
        if fault:
            e.forced = fault[1].feed.name
        licences.generate(ctx, e)
        failed_samples = inspections.generate(ctx, e)
        penalties.generate(ctx, e, failed_samples)
        listings.generate(ctx, e)
        commitments.generate(ctx, e)
        if e.licences:
            licences.flush(ctx, e)
        out.truths.append((e.uscc, e.risk))
        if fault:
            faults.apply(ctx, e, fault[0], fault[1], start)
        elif e.penalised or e.listed:
            _consider_for_showcase(out, e)


def _consider_for_showcase(out: Chunk, e: Enterprise) -> None:
    """Keep the best-documented operating enterprises: those with rows in most feeds."""
    if e.status not in enterprise.OPERATING:
        return
    present = (bool(e.licences), bool(e.penalised), bool(e.listed), bool(e.inspected),
               bool(e.committed))
    score = sum(present) + 2 * all(present[:4])
    if score < 3:
        return
    entry = (score, -e.index, e.uscc)
    if len(out.showcase) < _SHOWCASE:
        heapq.heappush(out.showcase, entry)
    else:
        heapq.heappushpop(out.showcase, entry)
