"""Publicity of penalties and inspection results (contract type `Publicity`) as of a date.

Choices the regulations leave to the implementation:

- Publication date: sources give none, so publicity starts on the decision (inspection) date
  unless the caller passes `published_on`. Publication may legally come up to 20 working days
  later; starting at the decision ends publicity no later than the law requires, never after.
- Periods follow the Civil Code (Arts. 201, 202): a period of N months from a publication on
  day D does not count D and ends with the corresponding day N months later (the month's last
  day when there is none). `public_until` and `repairable_from` are the day after that: the
  first day the record is no longer public, the first day repair may be applied for. A record
  is PUBLIC while `today < public_until`.
- Restricting measures (restriction, suspension, occupational ban) take `restriction_ends_on`,
  the last day of the restriction. Publicity lasts at least until it has ended (Order 45
  Art.13); repair may be applied for only after it ends, and when its end is unknown
  `repairable_from` is null with `repair = WAITING_FOR_RESTRICTION_END`.
- Repair eligibility beyond the date is in `repair`: a minor penalty needs none (its publicity
  ends after 3 months anyway) so `repairable_from` is null with `repair = NOT_NEEDED`; revocation,
  downgrade and closure can never be repaired (`NEVER`, null).
- A repair (`repaired_on` on or before `today`) ends publicity early: state REPAIRED and
  `public_until` = the repair date.
- Inspection results: results recording a problem (see `NEGATIVE_INSPECTION_RESULTS`) with no
  or only a minor penalty stay public 3 months (Order 107); when the caller says a general or
  serious penalty followed (`penalty_tier`), they stay public as long as that penalty and are
  repaired with it. Clean results and status facts stay public for
  `other_inspection_public_months`.
- The rule set is the one in force on `today`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from gateway.records import Inspection, Penalty, PenaltyProcedure
from gateway.rules.calendar import DEFAULT_CALENDAR, WorkingCalendar
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook, RuleSet
from gateway.rules.severity import Severity, assess_under, in_serious_field

_ONE_DAY = dt.timedelta(days=1)


class PublicityState(enum.StrEnum):
    """Contract enum `PublicityState`."""

    NOT_PUBLISHED = "NOT_PUBLISHED"
    PUBLIC = "PUBLIC"
    ENDED = "ENDED"
    REPAIRED = "REPAIRED"


class RepairEligibility(enum.StrEnum):
    """Whether credit repair may be applied for; the date is `Publicity.repairable_from`."""

    NOT_NEEDED = "NOT_NEEDED"
    ALLOWED = "ALLOWED"
    WAITING_FOR_RESTRICTION_END = "WAITING_FOR_RESTRICTION_END"
    NEVER = "NEVER"
    WITH_PENALTY = "WITH_PENALTY"


@dataclasses.dataclass(frozen=True, slots=True)
class Publicity:
    """Contract type `Publicity`, plus the deciding rule-set version and the repair rule."""

    state: PublicityState
    published_on: dt.date | None
    public_until: dt.date | None
    repairable_from: dt.date | None
    rules_version: str = ""
    repair: RepairEligibility = RepairEligibility.NOT_NEEDED

    @property
    def is_public(self) -> bool:
        return self.state is PublicityState.PUBLIC


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or that month's last day when it has none."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return (first_of_next - _ONE_DAY).day


def period_end(start: dt.date, months: int) -> dt.date:
    """The first day after a period of `months` months begun by an event on `start`."""
    return add_months(start, months) + _ONE_DAY


def penalty_publicity(
    penalty: Penalty,
    today: dt.date,
    *,
    repaired_on: dt.date | None = None,
    serious_listed: bool = False,
    restriction_ends_on: dt.date | None = None,
    published_on: dt.date | None = None,
    rules: RuleBook = DEFAULT_RULES,
) -> Publicity:
    """Whether and until when a penalty is public on `today`, and when it may be repaired."""
    rule_set = rules.in_force(today)
    start = published_on or penalty.decided_on
    _check_penalty_dates(penalty, start, repaired_on, restriction_ends_on)
    if not is_published(penalty, rule_set):
        return Publicity(PublicityState.NOT_PUBLISHED, None, None, None, rule_set.version)
    tier = assess_under(penalty, rule_set, serious_listed=serious_listed).severity
    restricted = any(m in rule_set.restricting_measures for m in penalty.measures)
    until = period_end(start, _public_months(rule_set, tier))
    if restricted and restriction_ends_on is not None and rule_set.publicity_covers_restriction:
        until = max(until, restriction_ends_on + _ONE_DAY)
    repair, repairable_from = _penalty_repair(
        penalty, start, tier, rule_set, restriction_ends_on if restricted else None, restricted
    )
    return _judge(today, start, until, repaired_on, rule_set, repair, repairable_from)


def is_published(penalty: Penalty, rule_set: RuleSet) -> bool:
    """Ordinary-procedure penalties are published, except warning-only ones (Order 45 Art.2)."""
    if penalty.procedure is not PenaltyProcedure.ORDINARY:
        return False
    measures = penalty.measures
    return not measures or any(m not in rule_set.unpublished_measures for m in measures)


def _public_months(rule_set: RuleSet, tier: Severity) -> int:
    if tier is Severity.MINOR:
        return rule_set.minor_public_months
    if tier is Severity.GENERAL:
        return rule_set.general_public_months
    return rule_set.serious_public_months


def _penalty_repair(
    penalty: Penalty,
    start: dt.date,
    tier: Severity,
    rule_set: RuleSet,
    restriction_ends_on: dt.date | None,
    restricted: bool,
) -> tuple[RepairEligibility, dt.date | None]:
    if any(m in rule_set.unrepairable_measures for m in penalty.measures):
        return RepairEligibility.NEVER, None
    if tier is Severity.MINOR:
        return RepairEligibility.NOT_NEEDED, None
    if tier is Severity.SERIOUS:
        months = rule_set.serious_repair_months
    else:
        months = rule_set.general_repair_months
    if rule_set.area_repair_months is not None and in_serious_field(penalty, rule_set):
        months = rule_set.area_repair_months
    earliest = period_end(start, months)
    if restricted and rule_set.repair_waits_for_restriction:
        if restriction_ends_on is None:
            return RepairEligibility.WAITING_FOR_RESTRICTION_END, None
        earliest = max(earliest, restriction_ends_on + _ONE_DAY)
    return RepairEligibility.ALLOWED, earliest


def inspection_publicity(
    inspection: Inspection,
    today: dt.date,
    *,
    repaired_on: dt.date | None = None,
    penalty_tier: Severity | None = None,
    published_on: dt.date | None = None,
    rules: RuleBook = DEFAULT_RULES,
) -> Publicity:
    """Whether and until when an inspection result is public on `today`.

    `penalty_tier` is the tier of the penalty the inspection led to, if any.
    """
    rule_set = rules.in_force(today)
    start = published_on or inspection.inspected_on
    ref = ("inspection", inspection.reference)
    _not_before(ref, "published_on", start, "inspected_on", inspection.inspected_on)
    _not_before(ref, "repaired_on", repaired_on, "its publication", start)
    repair = RepairEligibility.NOT_NEEDED
    if inspection.result not in rule_set.negative_inspection_results:
        months = rule_set.other_inspection_public_months
    elif penalty_tier is None or penalty_tier is Severity.MINOR:
        months = rule_set.negative_inspection_public_months
    else:
        months = _public_months(rule_set, penalty_tier)
        repair = RepairEligibility.WITH_PENALTY
    until = period_end(start, months)
    return _judge(today, start, until, repaired_on, rule_set, repair, None)


def _judge(
    today: dt.date,
    start: dt.date,
    until: dt.date,
    repaired_on: dt.date | None,
    rule_set: RuleSet,
    repair: RepairEligibility,
    repairable_from: dt.date | None,
) -> Publicity:
    if today < start:
        state = PublicityState.NOT_PUBLISHED
    elif repaired_on is not None and repaired_on <= today:
        state = PublicityState.REPAIRED
        until = min(until, repaired_on)
    elif today < until:
        state = PublicityState.PUBLIC
    else:
        state = PublicityState.ENDED
    return Publicity(state, start, until, repairable_from, rule_set.version, repair)


def _check_penalty_dates(
    penalty: Penalty,
    start: dt.date,
    repaired_on: dt.date | None,
    restriction_ends_on: dt.date | None,
) -> None:
    ref = ("penalty", penalty.decision_number)
    decided = penalty.decided_on
    _not_before(ref, "published_on", start, "the decision date", decided)
    _not_before(ref, "repaired_on", repaired_on, "its publication", start)
    _not_before(ref, "restriction_ends_on", restriction_ends_on, "the decision date", decided)


def _not_before(
    ref: tuple[str, str], name: str, value: dt.date | None, other_name: str, other: dt.date
) -> None:
    if value is not None and value < other:
        raise ValueError(
            f"{ref[0]} {ref[1]}: {name} {value.isoformat()} is before {other_name} "
            f"{other.isoformat()}"
        )


def publication_deadline(
    event_on: dt.date,
    *,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    rules: RuleBook = DEFAULT_RULES,
) -> dt.date:
    """Last day to publish a decision or inspection result of `event_on` (20 working days)."""
    days = rules.in_force(event_on).publication_working_days
    return calendar.add_working_days(event_on, days)
