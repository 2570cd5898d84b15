"""Assessing enterprises and storing the results: a given set of codes (after a change), or
every enterprise of the archive in keyset batches (`credit-gateway risk recompute`)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from gateway.clock import utcnow
from gateway.database import Connection
from gateway.events.feed import horizon
from gateway.risk.archive import enterprise_count, load_indicators, next_codes
from gateway.risk.config import ModelSet
from gateway.risk.indicators import Indicators
from gateway.risk.scoring import Scored, assess
from gateway.risk.store import save_assessments, skip_past
from gateway.rules.calendar import local_date
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook

BATCH = 10_000


@dataclasses.dataclass(frozen=True, slots=True)
class RecomputeReport:
    enterprises: int
    seconds: float
    classes: dict[str, int]


async def reassess(conn: Connection, usccs: Sequence[str], models: ModelSet,
                   rules: RuleBook = DEFAULT_RULES) -> list[Scored]:
    """Assess the registered enterprises among `usccs` as of now and store the results, in
    the caller's transaction when there is one."""
    at = utcnow()
    indicators = await load_indicators(conn, usccs, local_date(at), rules)
    scored = [assess(i, models) for i in indicators]
    async with conn.transaction():
        await save_assessments(conn, scored, at)
    return scored


async def recompute_all(
    pool: asyncpg.Pool[Any],
    models: ModelSet,
    batch: int = BATCH,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    rules: RuleBook = DEFAULT_RULES,
) -> RecomputeReport:
    """Assess every enterprise, a batch of codes at a time; the next batch is read while
    the current one is scored and written (two connections)."""
    started = time.perf_counter()
    classes = dict.fromkeys(("A", "B", "C", "D"), 0)
    async with pool.acquire() as reader, pool.acquire() as writer:
        # Changes complete before this are covered here: the follower may skip them.
        covered = await horizon(reader)
        if on_start is not None:
            on_start(await enterprise_count(reader))
        codes, at, indicators = await _read(reader, "", batch, rules)
        while codes:
            following = asyncio.create_task(_read(reader, codes[-1], batch, rules))
            try:
                scored = [assess(i, models) for i in indicators]
                async with writer.transaction():
                    await save_assessments(writer, scored, at)
            except BaseException:
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
                raise
            for s in scored:
                classes[s.risk_class] += 1
            if on_batch is not None:
                on_batch(len(codes))
            codes, at, indicators = await following
        await skip_past(writer, covered)
    total = sum(classes.values())
    return RecomputeReport(total, time.perf_counter() - started, classes)


async def _read(
    conn: Connection, after: str, batch: int, rules: RuleBook
) -> tuple[list[str], dt.datetime, list[Indicators]]:
    """The next batch of codes after `after`, the instant read and their indicators."""
    at = utcnow()
    codes = await next_codes(conn, after, batch)
    return codes, at, await load_indicators(conn, codes, local_date(at), rules)
