"""Typical cases (典型案例): which penalties may be published as cases, as pure functions.

Only a penalty the public sees may be a case: an ordinary-procedure penalty under publicity
today (gateway.rules.publicity with the enterprise's repairs and serious listings applied, and
the public view of auth.views). A simple-procedure penalty is never published (Order 45), and
a case whose penalty is no longer public (repaired, publicity ended) is not shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from auth.views import PUBLIC_VIEW
from gateway.archive.profile import Profile, Stored, listing_active
from gateway.records import ListKind, Penalty, PenaltyProcedure
from gateway.repair.effects import effective_listings, repair_dates
from gateway.rules.publicity import Publicity, penalty_publicity
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook

MAX_TITLE = 100
MAX_SUMMARY = 2000


@dataclasses.dataclass(frozen=True, slots=True)
class TypicalCase:
    """A published case and the penalty it presents."""

    id: str
    title: str
    summary: str
    marked_at: dt.datetime
    uscc: str
    enterprise_name: str
    penalty: Stored[Penalty]


def _serious_numbers(profile: Profile, today: dt.date) -> frozenset[str]:
    """Decision numbers of penalties behind serious-list entries in force today."""
    return frozenset(
        s.record.basis_number or "" for s in effective_listings(profile, today)
        if s.record.kind is ListKind.SERIOUS_DISHONESTY and listing_active(s.record, today)
    )


def publicity_today(
    profile: Profile, stored: Stored[Penalty], today: dt.date, rules: RuleBook = DEFAULT_RULES
) -> Publicity:
    """The penalty's publicity on `today`, repairs and serious listings applied."""
    repair = repair_dates(profile, stored.id, today)
    return penalty_publicity(
        stored.record, today,
        serious_listed=stored.record.decision_number in _serious_numbers(profile, today),
        repaired_on=repair.repaired_on, published_on=repair.published_on, rules=rules,
    )


def shown_publicly(
    profile: Profile, stored: Stored[Penalty], today: dt.date, rules: RuleBook = DEFAULT_RULES
) -> bool:
    """Whether the public sees the penalty today."""
    state = publicity_today(profile, stored, today, rules).state
    return PUBLIC_VIEW.shows_penalty(stored.record.procedure, state)


def refusal(
    profile: Profile, stored: Stored[Penalty], today: dt.date, rules: RuleBook = DEFAULT_RULES
) -> str | None:
    """Why the penalty cannot be published as a typical case today; None when it can."""
    record = stored.record
    if record.procedure is not PenaltyProcedure.ORDINARY:
        return (
            f"penalty {stored.id} ({record.decision_number}) was decided under the simple "
            f"procedure, which is never published: only public ordinary-procedure penalties "
            f"become typical cases"
        )
    state = publicity_today(profile, stored, today, rules).state
    if not PUBLIC_VIEW.shows_penalty(record.procedure, state):
        return (
            f"penalty {stored.id} ({record.decision_number}) is not under publicity today "
            f"(publicity {state.value}): only public penalties become typical cases"
        )
    return None


def penalty_of(profile: Profile, penalty_id: str) -> Stored[Penalty] | None:
    return next((s for s in profile.penalties if s.id == penalty_id), None)
