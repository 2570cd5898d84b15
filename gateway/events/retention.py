"""Retention of the change feed: the front of the feed is pruned once older than the
configured days, in batches, each with the marker of how far it went (one transaction).

Only a prefix is pruned: events in feed order up to the first one that is still young (or not
yet complete), so the marker is exact: every event at or before it is gone, none after it.
A reader whose cursor lies before the marker has missed events (gateway.events.feed refuses
it); one reading from the start gets the oldest events kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

import asyncpg

from gateway.clock import utcnow

log = logging.getLogger(__name__)

BATCH = 50_000
PRUNE_EVERY_SECONDS = 3600.0
_LOCK = "credit-gateway events prune"

# $1 cutoff, $2 batch size. Deletes the oldest complete events older than the cutoff that
# come before the first young (or incomplete) event, and moves the marker past them.
_PRUNE = """
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
stop AS (
    SELECT e.xid, e.seq FROM credit_events e, horizon h
    WHERE e.at >= $1 OR e.xid >= h.xmin
    ORDER BY e.xid, e.seq LIMIT 1
),
doomed AS (
    SELECT e.seq FROM credit_events e, horizon h
    WHERE e.xid < h.xmin AND e.at < $1
      AND NOT EXISTS (SELECT 1 FROM stop s WHERE (e.xid, e.seq) >= (s.xid, s.seq))
    ORDER BY e.xid, e.seq LIMIT $2
),
gone AS (
    DELETE FROM credit_events e USING doomed d WHERE e.seq = d.seq RETURNING e.xid, e.seq
),
last AS (SELECT xid, seq FROM gone ORDER BY xid DESC, seq DESC LIMIT 1),
marked AS (
    INSERT INTO credit_events_pruned (xid, seq, pruned_at)
    SELECT xid, seq, now() FROM last
    ON CONFLICT (only_row) DO UPDATE
    SET xid = excluded.xid, seq = excluded.seq, pruned_at = excluded.pruned_at
    WHERE (credit_events_pruned.xid, credit_events_pruned.seq) < (excluded.xid, excluded.seq)
)
SELECT count(*) FROM gone
"""


async def prune_events(
    pool: asyncpg.Pool[Any], keep_days: int, now: dt.datetime | None = None
) -> int:
    """Prune events older than `keep_days` days; how many were deleted."""
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    cutoff = (now or utcnow()) - dt.timedelta(days=keep_days)
    total = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _LOCK)
            deleted: int = await conn.fetchval(_PRUNE, cutoff, BATCH)
        total += deleted
        if deleted < BATCH:
            return total


async def prune_periodically(
    pool: asyncpg.Pool[Any], keep_days: int, stop: asyncio.Event
) -> None:
    """Prune every PRUNE_EVERY_SECONDS until `stop` is set; errors are logged, not raised."""
    while not stop.is_set():
        try:
            deleted = await prune_events(pool, keep_days)
            if deleted:
                log.info("pruned %d change-feed events older than %d days", deleted, keep_days)
        except Exception:
            # The task must outlive a failed run: the next one comes at the next interval.
            log.exception("pruning the change feed failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PRUNE_EVERY_SECONDS)
