"""Supervisors' manual entries on the key-supervision list: added with a reason and measures,
removed with a reason. Derived entries are the rules' alone: they end when their grounds are
gone, never by hand. Each decision runs in one transaction under the enterprise's lock; a
refused one writes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import asyncpg

from gateway import refusals
from gateway.audit.hook import DecisionHook
from gateway.clock import utcnow
from gateway.refusals import Refused
from gateway.supervision import store
from gateway.supervision.config import SupervisionConfig
from gateway.supervision.entries import Entry
from gateway.supervision.grounds import Ground, Origin, Rule

MAX_REASON = 500
_MAX_ID_DIGITS = 18


class SupervisionRefused(Refused):
    """A decision about the list is refused; the message says why."""


def checked_text(name: str, value: str, most: int = MAX_REASON) -> str:
    """A trimmed, non-empty text of at most `most` characters."""
    return refusals.text_argument(name, value, most, SupervisionRefused)


def checked_measures(codes: Sequence[str] | None, config: SupervisionConfig) -> tuple[str, ...]:
    """Measure codes in the configured order; the MANUAL ground's when none are given."""
    if not codes:
        return config.ground_measures[Rule.MANUAL]
    unknown = [c for c in codes if c not in config.measures]
    if unknown:
        known = ", ".join(config.measures)
        raise SupervisionRefused(f"measures: no measure {unknown[0]!r}; known: {known}")
    return tuple(c for c in config.measures if c in set(codes))


def id_argument(name: str, value: str) -> int:
    """An id argument as a number; refused when it cannot be one."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= _MAX_ID_DIGITS):
        raise SupervisionRefused(f"{name}: not an id, got {value!r}")
    return int(text)


@dataclasses.dataclass(frozen=True, slots=True)
class ManualEntries:
    """Manual decisions about the list, taken by client `actor`."""

    pool: asyncpg.Pool[Any]
    config: SupervisionConfig
    actor: str | None
    on_decision: DecisionHook | None = None
    """Run in each decision's transaction once it is taken, before it commits (its audit
    row); not run for a refused one."""

    async def entry(self, entry_id: str) -> Entry:
        """An entry by id; refused when there is none."""
        found = await store.entry_by_id(self.pool, id_argument("entryId", entry_id))
        if found is None:
            raise SupervisionRefused(f"entryId: no key-supervision entry {entry_id}")
        return found

    async def add(self, uscc: str, reason: str, measures: Sequence[str] | None) -> Entry:
        why = checked_text("reason", reason)
        codes = checked_measures(measures, self.config)
        async with self.pool.acquire() as conn, conn.transaction():
            await store.lock_enterprise(conn, uscc)
            status = await store.enterprise_status(conn, uscc)
            if status is None:
                raise SupervisionRefused(f"no source knows the enterprise {uscc}")
            if status not in self.config.statuses:
                raise SupervisionRefused(
                    f"{uscc} is {status}: only enterprises in these states are supervised: "
                    + ", ".join(sorted(self.config.statuses))
                )
            current = await store.current_manual(conn, uscc)
            if current is not None:
                raise SupervisionRefused(
                    f"{uscc} already has a manual key-supervision entry in force ({current})"
                )
            ground = Ground(Rule.MANUAL, why)
            entry_id = await store.add_manual(conn, uscc, ground, codes, self.actor, utcnow())
            if self.on_decision is not None:
                await self.on_decision(conn, uscc)
            return await self._written(conn, entry_id)

    async def remove(self, entry_id: str, reason: str) -> Entry:
        why = checked_text("reason", reason)
        entry = await self.entry(entry_id)
        async with self.pool.acquire() as conn, conn.transaction():
            await store.lock_enterprise(conn, entry.uscc)
            entry = await self._written(conn, entry.id)
            if entry.origin is Origin.DERIVED:
                rules = ", ".join(dict.fromkeys(g.rule.value for g in entry.grounds))
                raise SupervisionRefused(
                    f"entry {entry.id} is derived from the rules ({rules}): it ends by itself "
                    f"when its grounds are gone and cannot be removed by hand"
                )
            if entry.ended_at is not None:
                raise SupervisionRefused(
                    f"entry {entry.id} was already removed at {entry.ended_at.isoformat()}"
                )
            await store.end_manual(conn, entry.id, why, self.actor, utcnow())
            if self.on_decision is not None:
                await self.on_decision(conn, entry.uscc)
            return await self._written(conn, entry.id)

    async def _written(self, conn: Any, entry_id: str) -> Entry:
        found = await store.entry_by_id(conn, int(entry_id))
        if found is None:
            raise SupervisionRefused(f"entryId: no key-supervision entry {entry_id}")
        return found
