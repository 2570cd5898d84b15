"""Runs supervisors' list decisions: each in one transaction, under the enterprise's decision
lock, checked (gateway.lists.decisions) against the archive as it stands, then written as a
record of the gateway's own source. A refused decision writes nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from gateway.archive.profile import Profile, Stored
from gateway.audit.hook import DecisionHook
from gateway.clock import utcnow
from gateway.database import Connection
from gateway.deciding import deciding
from gateway.lists import decisions, store
from gateway.lists.decisions import DecisionRefused
from gateway.lists.grounds import AbnormalGround, RevocationGround
from gateway.records import Listing
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook

_MAX_ID_DIGITS = 18


def archive_id(name: str, value: str) -> int:
    """An archive id argument (records.id) as a number; refused when it cannot be one."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS):
        raise DecisionRefused(f"{name}: not an archive id, got {value!r}")
    return int(text)


@dataclasses.dataclass(frozen=True, slots=True)
class ListDecisions:
    """The decisions of one bureau (`authority`, the department of the records written)."""

    pool: asyncpg.Pool[Any]
    authority: str
    rules: RuleBook = DEFAULT_RULES
    on_decision: DecisionHook | None = None
    """Run in each decision's transaction once it is taken, before it commits (the audit row
    of the decision); not run for a refused one."""

    async def enterprise_of(self, entry_id: str) -> str:
        """The code of a list entry; refused when there is no such entry."""
        uscc = await store.entry_enterprise(self.pool, archive_id("listingId", entry_id))
        if uscc is None:
            raise DecisionRefused(f"listingId: no list entry {entry_id}")
        return uscc

    def _deciding(self, uscc: str) -> contextlib.AbstractAsyncContextManager[
            tuple[Connection, Profile]]:
        return deciding(self.pool, uscc, DecisionRefused, self.on_decision)

    async def _write(
        self, conn: Connection, listing: Listing, record_id: str | None = None
    ) -> Stored[Listing]:
        return await store.write_entry(
            conn, self.authority, listing, record_id or store.new_record_id(), utcnow()
        )

    async def list_abnormal(
        self,
        uscc: str,
        ground: AbnormalGround,
        decided_on: dt.date,
        decision_number: str,
        today: dt.date,
    ) -> Stored[Listing]:
        async with self._deciding(uscc) as (conn, profile):
            listing = decisions.list_abnormal(
                profile, ground, decided_on, decision_number,
                today=today, authority=self.authority,
            )
            return await self._write(conn, listing)

    async def list_serious(
        self,
        uscc: str,
        penalty_id: str,
        decided_on: dt.date,
        decision_number: str,
        reason: str,
        *,
        heavy_end_of_band: bool,
        restriction_ends_on: dt.date | None,
        today: dt.date,
    ) -> Stored[Listing]:
        async with self._deciding(uscc) as (conn, profile):
            bases = await store.serious_bases(conn, uscc)
            listing, basis = decisions.list_serious(
                profile, penalty_id.strip(), decided_on, decision_number, reason,
                heavy_end_of_band=heavy_end_of_band, restriction_ends_on=restriction_ends_on,
                bases=bases.values(), today=today, authority=self.authority, rules=self.rules,
            )
            written = await self._write(conn, listing)
            await store.save_basis(conn, written, basis)
            return written

    @contextlib.asynccontextmanager
    async def _deciding_on(
        self, entry_id: str
    ) -> AsyncIterator[tuple[Connection, Profile, Stored[Listing]]]:
        """`_deciding` for the enterprise of a list entry, and the entry as it stands."""
        uscc = await self.enterprise_of(entry_id)
        async with self._deciding(uscc) as (conn, profile):
            wanted = str(archive_id("listingId", entry_id))
            entry = next((s for s in profile.listings if s.id == wanted), None)
            if entry is None:
                raise DecisionRefused(f"listingId: no list entry {entry_id} of {uscc}")
            yield conn, profile, entry

    async def remove_abnormal(
        self, entry_id: str, corrected_on: dt.date, reason: str, today: dt.date
    ) -> Stored[Listing]:
        async with self._deciding_on(entry_id) as (conn, _, entry):
            listing = decisions.remove_abnormal(entry, corrected_on, reason, today=today)
            return await self._write(conn, listing, entry.provenance.record_id)

    async def remove_serious_early(
        self,
        entry_id: str,
        on: dt.date,
        *,
        penalty_performed: bool,
        harm_removed: bool,
        today: dt.date,
    ) -> Stored[Listing]:
        async with self._deciding_on(entry_id) as (conn, profile, entry):
            basis = (await store.serious_bases(conn, profile.uscc)).get(entry.id)
            listing = decisions.remove_serious_early(
                profile, entry, basis, on, penalty_performed=penalty_performed,
                harm_removed=harm_removed, today=today, rules=self.rules,
            )
            return await self._write(conn, listing, entry.provenance.record_id)

    async def revoke(
        self, entry_id: str, ground: RevocationGround, today: dt.date
    ) -> Stored[Listing]:
        async with self._deciding_on(entry_id) as (conn, _, entry):
            listing = decisions.revoke_listing(entry, ground, today=today)
            return await self._write(conn, listing, entry.provenance.record_id)
