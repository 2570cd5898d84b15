"""Re-derives the key-supervision list: gathers the facts (set-based SQL), applies the rules
(pure) and writes the difference (set-based SQL), in one transaction under the refresh lock.
`refresh_all` does it for the whole archive; `refresh_enterprises` for a few codes, e.g. right
after their risk was reassessed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import asyncpg

from gateway.clock import utcnow
from gateway.database import Connection
from gateway.supervision import store
from gateway.supervision.config import SupervisionConfig, default_config
from gateway.supervision.entries import Derived
from gateway.supervision.facts import EnterpriseFacts
from gateway.supervision.gather import gather_facts
from gateway.supervision.rules import derive_grounds
from gateway.supervision.store import WriteCounts

Progress = Callable[[str, int, int], None]
"""Called with a step's name, how much of it is done and its total."""

_CHUNK = 10_000
STEP_FACTS = "gathering facts"
STEP_RULES = "applying rules"
STEP_WRITE = "writing the list"


@dataclasses.dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one refresh found and changed."""

    candidates: int
    """Enterprises whose facts were judged."""
    derived: int
    """Derived entries in force after the refresh (in its scope)."""
    counts: WriteCounts


def _quiet(step: str, done: int, total: int) -> None:
    return None


def derive(
    facts: Iterable[EnterpriseFacts], today: dt.date, config: SupervisionConfig
) -> list[Derived]:
    """The derived entries the rules give on `today`."""
    found = []
    for item in facts:
        grounds = derive_grounds(item, today, config)
        if grounds:
            rules = tuple(dict.fromkeys(g.rule for g in grounds))
            found.append(Derived(item.uscc, grounds, config.measures_for(rules)))
    return found


def _derive_in_chunks(
    facts: Sequence[EnterpriseFacts], today: dt.date, config: SupervisionConfig,
    progress: Progress,
) -> list[Derived]:
    found: list[Derived] = []
    for start in range(0, len(facts), _CHUNK):
        found.extend(derive(facts[start:start + _CHUNK], today, config))
        progress(STEP_RULES, min(start + _CHUNK, len(facts)), len(facts))
    return found


async def _refresh(
    conn: Connection, today: dt.date, config: SupervisionConfig,
    codes: Sequence[str] | None, progress: Progress,
) -> RefreshReport:
    async with conn.transaction():
        await store.lock_refresh(conn)
        progress(STEP_FACTS, 0, 1)
        facts = await gather_facts(conn, today, config, codes)
        progress(STEP_FACTS, 1, 1)
        derived = _derive_in_chunks(facts, today, config, progress)
        progress(STEP_WRITE, 0, 1)
        counts = await store.write_derived(conn, derived, utcnow(), codes)
        progress(STEP_WRITE, 1, 1)
    return RefreshReport(candidates=len(facts), derived=len(derived), counts=counts)


async def refresh_all(
    pool: asyncpg.Pool[Any],
    today: dt.date,
    config: SupervisionConfig | None = None,
    progress: Progress = _quiet,
) -> RefreshReport:
    """Re-derive the whole list as of `today`."""
    async with pool.acquire() as conn:
        return await _refresh(conn, today, config or default_config(), None, progress)


async def refresh_enterprises(
    conn: Connection,
    usccs: Iterable[str],
    today: dt.date,
    config: SupervisionConfig | None = None,
) -> RefreshReport:
    """Re-derive the entries of these enterprises only (inside the caller's transaction, if
    any: a savepoint then)."""
    codes = sorted(set(usccs))
    return await _refresh(conn, today, config or default_config(), codes, _quiet)
