"""A decision about one enterprise (a list entry, a repair step, a commitment): one
transaction that holds the enterprise's decision lock, so that the checks of a decision and
its write see no other decision in between, and that writes the decision's audit row last."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from gateway.archive.profile import Profile, load_profile
from gateway.audit.hook import DecisionHook
from gateway.database import Connection
from gateway.lists.store import lock_enterprise
from gateway.refusals import Refused


@contextlib.asynccontextmanager
async def deciding(
    pool: asyncpg.Pool[Any],
    uscc: str,
    refused: type[Refused],
    on_decision: DecisionHook | None = None,
) -> AsyncIterator[tuple[Connection, Profile]]:
    """The transaction and the enterprise's current profile; `refused` when no source knows
    the enterprise. `on_decision` runs once the body has taken its decision, before commit."""
    async with pool.acquire() as conn, conn.transaction():
        await lock_enterprise(conn, uscc)
        profile = await load_profile(conn, uscc)
        if profile is None:
            raise refused(f"no source knows the enterprise {uscc}")
        yield conn, profile
        if on_decision is not None:
            await on_decision(conn, uscc)
