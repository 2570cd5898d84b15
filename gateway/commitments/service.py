"""Runs submissions of commitments and their checks: each in one transaction, under the
enterprise's decision lock (the one list decisions take, so an exclusion is judged on a list
that cannot change meanwhile), checked (gateway.commitments.rules) against the archive as it
stands, then written as a record of the gateway's own source. A refused request writes
nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from gateway.archive.profile import Profile, Stored, load_profile
from gateway.associations.store import is_member
from gateway.audit.hook import DecisionHook
from gateway.clock import utcnow
from gateway.commitments import rules, store
from gateway.commitments.rules import (
    CheckOutcome,
    CommitmentForbidden,
    CommitmentRefused,
)
from gateway.commitments.store import Actor, Check
from gateway.database import Connection
from gateway.deciding import deciding
from gateway.records import SELF_DISCIPLINE_KIND, Commitment
from gateway.rules.config import DEFAULT_RULES_CONFIG, RulesConfig

_MAX_ID_DIGITS = 18


def archive_id(name: str, value: str) -> int:
    """An archive id argument (records.id) as a number; refused when it cannot be one."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS):
        raise CommitmentRefused(f"{name}: not an archive id, got {value!r}")
    return int(text)


@dataclasses.dataclass(frozen=True, slots=True)
class Commitments:
    """Commitments recorded by one bureau (`authority`, the department of the records)."""

    pool: asyncpg.Pool[Any]
    authority: str
    rules: RulesConfig = DEFAULT_RULES_CONFIG
    """The rules verification applies (the exclusions from commitment-based approval)."""
    on_decision: DecisionHook | None = None
    """Run in each decision's transaction once it is taken, before it commits (its audit
    row); not run for a refused one."""

    async def enterprise_of(self, commitment_id: str) -> str:
        """The code of a commitment; refused when there is no such commitment."""
        pk = archive_id("commitmentId", commitment_id)
        uscc = await store.commitment_enterprise(self.pool, pk)
        if uscc is None:
            raise CommitmentRefused(f"commitmentId: no commitment {commitment_id}")
        return uscc

    @contextlib.asynccontextmanager
    async def _deciding(
        self, actor: Actor, uscc: str
    ) -> AsyncIterator[tuple[Connection, Profile]]:
        """A transaction holding the enterprise's lock, and its current profile; an
        association gets it only for a member."""
        async with deciding(self.pool, uscc, CommitmentRefused, self.on_decision) as taken:
            conn, _ = taken
            if actor.association and not await _member(conn, actor, uscc):
                raise CommitmentForbidden("the enterprise is not a member of this association")
            yield taken

    async def submit(
        self,
        actor: Actor,
        uscc: str,
        kind: str,
        content: str,
        committed_on: dt.date,
        *,
        public: bool,
        today: dt.date,
    ) -> Stored[Commitment]:
        """Record a commitment of enterprise `uscc`."""
        if actor.association and kind.strip() != SELF_DISCIPLINE_KIND:
            raise CommitmentForbidden(
                f"an association records only self-discipline commitments "
                f"(kind {SELF_DISCIPLINE_KIND})"
            )
        async with self._deciding(actor, uscc) as (conn, profile):
            record = rules.new_commitment(
                profile, kind, content, committed_on, public=public, today=today,
                rules=self.rules,
            )
            now = utcnow()
            written = await store.write_commitment(
                conn, self.authority, record, store.new_record_id(), now
            )
            await store.save_submission(conn, written, actor, now)
            return written

    async def record_check(
        self,
        actor: Actor,
        commitment_id: str,
        outcome: CheckOutcome,
        checked_on: dt.date,
        evidence: str,
        *,
        today: dt.date,
    ) -> tuple[Stored[Commitment], Check]:
        """Record the check of a commitment: its new version, and the check kept beside it."""
        uscc = await self.enterprise_of(commitment_id)
        async with self._deciding(actor, uscc) as (conn, profile):
            wanted = str(archive_id("commitmentId", commitment_id))
            stored = next((s for s in profile.commitments if s.id == wanted), None)
            if stored is None:
                raise CommitmentRefused(f"commitmentId: no commitment {commitment_id} of {uscc}")
            if actor.association and stored.record.kind != SELF_DISCIPLINE_KIND:
                raise CommitmentForbidden(
                    f"an association checks only self-discipline commitments "
                    f"(kind {SELF_DISCIPLINE_KIND})"
                )
            record, proof = rules.checked(stored, outcome, checked_on, evidence, today=today)
            now = utcnow()
            written = await store.write_commitment(
                conn, self.authority, record, stored.provenance.record_id, now
            )
            check = Check(written.id, outcome, checked_on, proof, actor.client_id,
                          actor.association, now)
            await store.save_check(conn, check)
            return written, check

    async def check_of(
        self, actor: Actor, commitment_id: str
    ) -> tuple[Stored[Commitment], Check] | None:
        """The commitment as it stands and its check; None when it was not checked here."""
        uscc = await self.enterprise_of(commitment_id)
        async with self.pool.acquire() as conn:
            if actor.association and not await _member(conn, actor, uscc):
                raise CommitmentForbidden("the enterprise is not a member of this association")
            wanted = str(archive_id("commitmentId", commitment_id))
            checks = await store.checks_of(conn, [wanted])
            profile = await load_profile(conn, uscc) if wanted in checks else None
        stored = None if profile is None else next(
            (s for s in profile.commitments if s.id == wanted), None
        )
        return None if stored is None else (stored, checks[wanted])


async def _member(conn: Connection, actor: Actor, uscc: str) -> bool:
    return actor.client_id is not None and await is_member(conn, actor.client_id, uscc)
