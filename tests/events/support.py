"""Waiting for the feed: other sessions on the same server hold it back while they write."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg

SETTLE_SECONDS = 60.0


async def settled(pool: asyncpg.Pool[Any] | asyncpg.Connection[Any]) -> None:
    """Return once every transaction that had begun writing has ended, so the feed lists
    every event committed before the call."""
    target = int(await pool.fetchval("SELECT pg_snapshot_xmax(pg_current_snapshot())::text"))
    deadline = time.monotonic() + SETTLE_SECONDS
    while int(await pool.fetchval("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")) < target:
        assert time.monotonic() < deadline, "a transaction on the server never ended"
        await asyncio.sleep(0.05)
