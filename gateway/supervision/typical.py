"""Typical cases (典型案例): supervisors mark public penalties as cases and unmark them; the
public reads the cases whose penalties are still public. Each decision runs in one transaction
under the penalty's lock; a refused one writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

import asyncpg

from gateway.archive import Queryable
from gateway.archive.profile import Profile, load_profile, load_profiles
from gateway.archive.search import validate_first
from gateway.clock import utcnow
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook
from gateway.supervision import cases_store
from gateway.supervision.cases import (
    MAX_SUMMARY,
    MAX_TITLE,
    TypicalCase,
    penalty_of,
    refusal,
    shown_publicly,
)
from gateway.supervision.cases_store import CaseRow
from gateway.supervision.cursor import decode_cursor, encode_cursor
from gateway.supervision.manual import SupervisionRefused, checked_text, id_argument

_CURSOR_KEY = "c"
_BATCH = 100


@dataclasses.dataclass(frozen=True, slots=True)
class CasePage:
    cases: tuple[TypicalCase, ...]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return case_cursor(self.cases[-1]) if self.cases else None


def case_cursor(case: TypicalCase) -> str:
    """The cursor that points just after `case`."""
    return encode_cursor(_CURSOR_KEY, int(case.id))


def _as_case(row: CaseRow, profile: Profile) -> TypicalCase | None:
    stored = penalty_of(profile, row.penalty_id)
    if stored is None:
        return None
    return TypicalCase(
        id=str(row.id), title=row.title, summary=row.summary, marked_at=row.marked_at,
        uscc=profile.uscc, enterprise_name=profile.registration.record.name, penalty=stored,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class TypicalCases:
    """Case decisions taken by client `actor`."""

    pool: asyncpg.Pool[Any]
    actor: str | None
    rules: RuleBook = DEFAULT_RULES

    async def enterprise_of(self, penalty_id: str) -> str:
        """The code of a penalty; refused when there is no such penalty."""
        uscc = await cases_store.penalty_enterprise(self.pool, id_argument("penaltyId", penalty_id))
        if uscc is None:
            raise SupervisionRefused(f"penaltyId: no penalty {penalty_id}")
        return uscc

    async def mark(self, penalty_id: str, title: str, summary: str, today: dt.date) -> TypicalCase:
        heading = checked_text("title", title, MAX_TITLE)
        text = checked_text("summary", summary, MAX_SUMMARY)
        uscc = await self.enterprise_of(penalty_id)
        penalty_pk = id_argument("penaltyId", penalty_id)
        async with self.pool.acquire() as conn, conn.transaction():
            await cases_store.lock_penalty(conn, penalty_pk)
            profile = await load_profile(conn, uscc)
            stored = None if profile is None else penalty_of(profile, str(penalty_pk))
            if profile is None or stored is None:
                raise SupervisionRefused(f"penaltyId: no penalty {penalty_id}")
            why = refusal(profile, stored, today, self.rules)
            if why is not None:
                raise SupervisionRefused(why)
            if await cases_store.current_case(conn, penalty_pk) is not None:
                raise SupervisionRefused(f"penalty {penalty_pk} is already a typical case")
            row = await cases_store.mark(conn, penalty_pk, heading, text, self.actor, utcnow())
            case = _as_case(row, profile)
            assert case is not None
            return case

    async def unmark(self, penalty_id: str) -> TypicalCase:
        """Withdraw the penalty's case; the case as it was."""
        uscc = await self.enterprise_of(penalty_id)
        penalty_pk = id_argument("penaltyId", penalty_id)
        async with self.pool.acquire() as conn, conn.transaction():
            await cases_store.lock_penalty(conn, penalty_pk)
            row = await cases_store.current_case(conn, penalty_pk)
            profile = await load_profile(conn, uscc)
            case = None if row is None or profile is None else _as_case(row, profile)
            if row is None or case is None:
                raise SupervisionRefused(f"penalty {penalty_pk} is not a typical case")
            await cases_store.unmark(conn, row.id, self.actor, utcnow())
            return case


def _public(
    rows: list[CaseRow], profiles: Mapping[str, Profile], today: dt.date, rules: RuleBook
) -> list[TypicalCase]:
    shown = []
    for row in rows:
        profile = profiles.get(row.uscc)
        case = None if profile is None else _as_case(row, profile)
        if case is not None and profile is not None and shown_publicly(
            profile, case.penalty, today, rules
        ):
            shown.append(case)
    return shown


async def public_page(
    conn: Queryable, today: dt.date, *, first: int, after: str | None,
    rules: RuleBook = DEFAULT_RULES,
) -> CasePage:
    """The cases the public sees today, newest first: one page after cursor `after`."""
    validate_first(first)
    before = None if after is None else decode_cursor(_CURSOR_KEY, after)
    found: list[TypicalCase] = []
    while len(found) <= first:
        rows = await cases_store.cases_before(conn, before, _BATCH)
        if not rows:
            break
        profiles = await load_profiles(conn, sorted({r.uscc for r in rows}))
        found.extend(_public(rows, profiles, today, rules))
        if len(rows) < _BATCH:
            break
        before = rows[-1].id
    return CasePage(tuple(found[:first]), has_next_page=len(found) > first)


async def count_public(
    conn: Queryable, today: dt.date, rules: RuleBook = DEFAULT_RULES
) -> int:
    """How many cases the public sees today."""
    count, before = 0, None
    while True:
        rows = await cases_store.cases_before(conn, before, _BATCH)
        profiles = await load_profiles(conn, sorted({r.uscc for r in rows}))
        count += len(_public(rows, profiles, today, rules))
        if len(rows) < _BATCH:
            return count
        before = rows[-1].id
