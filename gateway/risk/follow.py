"""Reassessing enterprises as their records change: a background task of each gateway process
follows the change feed (gateway.events) and reassesses the codes of each page of events, then
re-derives their key-supervision entries (a class may have crossed into C or D).

Several processes may run it: the feed position is one row, locked (FOR UPDATE SKIP LOCKED)
by the process reassessing a page and moved in the same transaction as the assessments. So a
page is reassessed once, a process that dies mid-page leaves the page to the next one, and the
others wait for their turn."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from gateway.clock import utcnow
from gateway.database import Connection
from gateway.events.cursor import START, Position
from gateway.events.feed import MAX_FIRST, InvalidRead, Page, read_events
from gateway.risk.config import ModelSet
from gateway.risk.recompute import reassess
from gateway.rules.calendar import local_date
from gateway.rules.ruleset import RuleBook
from gateway.settings import Settings
from gateway.supervision.config import SupervisionConfig, load_config
from gateway.supervision.refresh import refresh_enterprises

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
RETRY_SECONDS = 10.0

_LOCK = "SELECT xid::text AS xid, seq FROM risk_feed_position FOR UPDATE SKIP LOCKED"
_MOVE = "UPDATE risk_feed_position SET xid = $1::text::xid8, seq = $2"


async def reassess_changes(conn: Connection, models: ModelSet, rules: RuleBook,
                           page_size: int = MAX_FIRST,
                           supervision: SupervisionConfig | None = None,
                           ) -> tuple[int, bool] | None:
    """Reassess the enterprises of the next page of changes and move the position past it;
    (events read, more pages waiting), or None when another process holds the position."""
    async with conn.transaction():
        row = await conn.fetchrow(_LOCK)
        if row is None:
            return None
        position = Position(int(row["xid"]), row["seq"])
        page = await _next_page(conn, position, page_size)
        codes = sorted({event.uscc for event in page.events})
        if codes:
            await reassess(conn, codes, models, rules)
            await refresh_enterprises(conn, codes, local_date(utcnow()), supervision)
        if page.end != position:
            await conn.execute(_MOVE, str(page.end.xid), page.end.seq)
    return len(page.events), page.has_next


async def _next_page(conn: Connection, position: Position, page_size: int) -> Page:
    try:
        return await read_events(conn, position, page_size)
    except InvalidRead:
        log.warning("risk reassessment fell behind the change feed's retention: changes were "
                    "pruned before they were read; run `credit-gateway risk recompute`")
        return await read_events(conn, START, page_size)


async def follow_changes(pool: asyncpg.Pool[Any], models: ModelSet, rules: RuleBook,
                         stop: asyncio.Event, poll_seconds: float = POLL_SECONDS,
                         supervision: SupervisionConfig | None = None) -> None:
    """Reassess changed enterprises until `stop` is set; a failure is logged and retried."""
    while not stop.is_set():
        pause = poll_seconds
        try:
            async with pool.acquire() as conn:
                step = await reassess_changes(conn, models, rules, supervision=supervision)
            if step is not None and step[1]:
                pause = 0.0
        except Exception:
            # The task must outlive any failure of one page: it is retried after a pause.
            log.exception("risk reassessment failed, retrying in %.0f s", RETRY_SECONDS)
            pause = RETRY_SECONDS
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)


def start_reassessing(settings: Settings, pool: asyncpg.Pool[Any], models: ModelSet,
                      rules: RuleBook, stop: asyncio.Event) -> asyncio.Task[None] | None:
    """The background task, unless GATEWAY_RISK_FOLLOW turned it off."""
    if not settings.risk_follow:
        return None
    supervision = load_config(settings.supervision_rules)
    return asyncio.create_task(
        follow_changes(pool, models, rules, stop, supervision=supervision)
    )
