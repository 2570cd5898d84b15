"""Runs the steps of credit repair: each in one transaction, under the enterprise's decision
lock (the one list decisions take), checked against the archive and the enterprise's
applications as they stand. A refused step writes nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from gateway import refusals
from gateway.archive.profile import Profile
from gateway.audit.hook import DecisionHook
from gateway.database import Connection
from gateway.deciding import deciding
from gateway.lists import store as lists_store
from gateway.repair import deadlines, eligibility, store
from gateway.repair.model import Repair, RepairOutcome, RepairRefused, RepairStatus
from gateway.rules.calendar import DEFAULT_CALENDAR, WorkingCalendar, local_date
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook

MAX_COMMITMENT = 5000
MAX_REASON = 1000
MAX_PROOFS = 50
MAX_PROOF = 300
_MAX_ID_DIGITS = 18


def text_argument(name: str, value: str, most: int) -> str:
    """A trimmed, non-empty text of at most `most` characters."""
    return refusals.text_argument(name, value, most, RepairRefused)


def proof_references(values: Sequence[str]) -> tuple[str, ...]:
    """At least one and at most MAX_PROOFS references to the proof of rectification."""
    if not values:
        raise RepairRefused("proofRefs: at least one proof of rectification is needed")
    if len(values) > MAX_PROOFS:
        raise RepairRefused(f"proofRefs: at most {MAX_PROOFS} references, got {len(values)}")
    return tuple(text_argument("proofRefs", v, MAX_PROOF) for v in values)


def record_id(value: str) -> int:
    """An archive id argument (records.id) as a number."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS):
        raise RepairRefused(f"targetId: not an archive id, got {value!r}")
    return int(text)


def repair_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise RepairRefused(f"id: not a repair application id, got {value!r}") from None


@dataclasses.dataclass(frozen=True, slots=True)
class CreditRepairs:
    """The repair procedure of one gateway; `calendar` counts the deadlines."""

    pool: asyncpg.Pool[Any]
    calendar: WorkingCalendar = DEFAULT_CALENDAR
    rules: RuleBook = DEFAULT_RULES
    on_decision: DecisionHook | None = None
    """Run in each step's transaction once it is taken, before it commits (the audit row of
    the step); not run for a refused one."""

    def _locked(self, uscc: str) -> contextlib.AbstractAsyncContextManager[
            tuple[Connection, Profile]]:
        return deciding(self.pool, uscc, RepairRefused, self.on_decision)

    async def enterprise_of(self, repair: str) -> str:
        """The code of an application; refused when there is none."""
        found = await store.repair_by_id(self.pool, repair_id(repair))
        if found is None:
            raise RepairRefused(f"id: no repair application {repair}")
        return found.uscc

    async def _check(
        self, conn: Connection, profile: Profile, target: str, others: list[Repair], day: dt.date
    ) -> Any:
        bases = await lists_store.serious_bases(conn, profile.uscc)
        ends = bases[target].restriction_ends_on if target in bases else next(
            (b.restriction_ends_on for b in bases.values() if b.penalty_id == target), None
        )
        return eligibility.check_application(
            profile, target, others, day, restriction_ends_on=ends, rules=self.rules
        )

    async def apply(
        self,
        uscc: str,
        target: str,
        commitment_text: str,
        proof_refs: Sequence[str],
        *,
        by: str | None,
        now: dt.datetime,
    ) -> Repair:
        """Record an application to repair record `target` of enterprise `uscc`."""
        target_pk = record_id(target)
        commitment = text_argument("commitmentText", commitment_text, MAX_COMMITMENT)
        proofs = proof_references(proof_refs)
        owner = await store.record_enterprise(self.pool, target_pk)
        if owner != uscc:
            raise RepairRefused(f"targetId: {target} is not a record of {uscc}")
        today = local_date(now)
        async with self._locked(uscc) as (conn, profile):
            others = await store.repairs_of(conn, uscc)
            kind = await self._check(conn, profile, str(target_pk), others, today)
            repair = Repair(
                id=uuid.uuid4(), uscc=uscc, target_id=str(target_pk), target_kind=kind,
                status=RepairStatus.APPLIED, commitment_text=commitment, proof_refs=proofs,
                applied_at=now, accept_due=deadlines.accept_due(today, self.calendar),
                applied_by=by,
            )
            await store.insert(conn, repair)
            return repair

    @contextlib.asynccontextmanager
    async def _step(
        self, repair: str, wanted: RepairStatus
    ) -> AsyncIterator[tuple[Connection, Profile, Repair, list[Repair]]]:
        """The locked enterprise of application `repair`, which must be `wanted`, and the
        enterprise's other applications."""
        uscc = await self.enterprise_of(repair)
        async with self._locked(uscc) as (conn, profile):
            found = await store.repair_by_id(conn, repair_id(repair))
            assert found is not None  # applications are never deleted
            if found.status is not wanted:
                raise RepairRefused(f"application {found.id} is {found.status.value}, "
                                    f"not {wanted.value}")
            others = [r for r in await store.repairs_of(conn, uscc) if r.id != found.id]
            yield conn, profile, found, others

    async def accept(self, repair: str, *, by: str | None, now: dt.datetime) -> Repair:
        """Accept an application: the decision is due within 7 working days."""
        async with self._step(repair, RepairStatus.APPLIED) as (conn, _, found, _others):
            today = local_date(now)
            accepted = dataclasses.replace(
                found, status=RepairStatus.ACCEPTED, accepted_at=now, accepted_by=by,
                decide_due=deadlines.decide_due(today, self.calendar),
            )
            await store.update(conn, accepted)
            return accepted

    async def decide(
        self, repair: str, outcome: RepairOutcome, reason: str, *, by: str | None,
        now: dt.datetime,
    ) -> Repair:
        """Approve (the conditions checked again), reject, or mark complex (+10 days)."""
        why = text_argument("reason", reason, MAX_REASON)
        async with self._step(repair, RepairStatus.ACCEPTED) as (conn, profile, found, others):
            today = local_date(now)
            if outcome is RepairOutcome.EXTEND:
                decided = self._extended(found)
            elif outcome is RepairOutcome.REJECT:
                decided = dataclasses.replace(found, status=RepairStatus.REJECTED)
            else:
                await self._check(conn, profile, found.target_id, others, today)
                decided = dataclasses.replace(
                    found, status=RepairStatus.APPROVED,
                    update_due=deadlines.update_due(today, self.calendar),
                )
            if outcome is not RepairOutcome.EXTEND:
                decided = dataclasses.replace(decided, decided_at=now, decided_on=today,
                                              decided_by=by, decision_reason=why)
            await store.update(conn, decided)
            return decided

    def _extended(self, found: Repair) -> Repair:
        if found.complex or found.decide_due is None:
            raise RepairRefused(f"application {found.id} was already marked complex")
        due = deadlines.extended_due(found.decide_due, self.calendar)
        return dataclasses.replace(found, complex=True, decide_due=due)

    async def revoke(
        self, repair: str, reason: str, *, by: str | None, now: dt.datetime
    ) -> Repair:
        """Revoke an approval obtained by fraud: the record is restored, its period restarts
        today, and the enterprise may not apply again for 3 years."""
        why = text_argument("reason", reason, MAX_REASON)
        async with self._step(repair, RepairStatus.APPROVED) as (conn, _, found, _others):
            revoked = dataclasses.replace(
                found, status=RepairStatus.REVOKED, revoked_at=now, revoked_on=local_date(now),
                revoked_by=by, revocation_reason=why,
            )
            await store.update(conn, revoked)
            return revoked
