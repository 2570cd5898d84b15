"""What repairs do to a profile's records on a day: pure functions the views and verification
share.

- An approved, unrevoked repair (`Profile.repairs`, the day of the approval) ends a penalty's or
  inspection result's publicity from that day (state REPAIRED), and removes a list entry from
  that day (`removed_on`, `removal_reason` = REPAIRED_REASON). A department's entry is not
  rewritten (谁产生、谁负责): the removal is applied when the profile is read.
- A repair revoked for fraud no longer applies, and the record's period restarts from the
  revocation day (`Profile.restarts`; Order 107, Order 44 Art.20): a penalty or inspection
  result is public again as if published on that day, so its publicity period and the wait
  before a new repair count from it; a serious-list entry stays at least the list's full term
  from it. An abnormal-list entry has no term: it is simply in force again.
- Asked about a day before the revocation, the restart is not applied (the record counts from
  its own dates then).
- The revocation itself is published for three years from its day (`published_revocations`),
  the same span in which the enterprise may not apply again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from gateway.archive.profile import Profile, Stored
from gateway.records import Inspection, Listing, ListKind, Penalty
from gateway.rules.publicity import period_end

REPAIRED_REASON = "信用修复（credit repair approved）"
SERIOUS_TERM_MONTHS = 36
REVOCATION_PUBLIC_MONTHS = 36
"""A repair revoked for fraud is public, and blocks a new application, for three years."""
REVOCATION_NOTICE = "以欺骗等不正当手段获得信用修复，撤销信用修复决定，恢复公示"
REVOCATION_BASIS = "《市场监督管理信用修复管理办法》；《严重违法失信名单管理办法》第二十条"


@dataclasses.dataclass(frozen=True, slots=True)
class Revocation:
    """A published revocation of a repair: the record it restored and the span it is public."""

    record_id: str
    revoked_on: dt.date
    public_until: dt.date
    """The first day it is no longer public."""


@dataclasses.dataclass(frozen=True, slots=True)
class RepairDates:
    """The arguments the publicity rules take for one record on one day."""

    repaired_on: dt.date | None
    published_on: dt.date | None


def repair_dates(profile: Profile, record_id: str, on: dt.date) -> RepairDates:
    """The repair day and the restarted publication day of record `record_id` on `on`."""
    restart = profile.restarts.get(record_id)
    if restart is not None and restart > on:
        restart = None
    return RepairDates(profile.repairs.get(record_id), restart)


def linked_penalty(profile: Profile, inspection: Inspection) -> Stored[Penalty] | None:
    """The profile's penalty that the inspection result led to, if it names one."""
    number = inspection.penalty_number
    if number is None:
        return None
    return next((s for s in profile.penalties if s.record.decision_number == number), None)


def inspection_repair_dates(
    profile: Profile, stored: Stored[Inspection], on: dt.date
) -> RepairDates:
    """As `repair_dates`, but a result linked to a penalty follows that penalty's repair and
    restart too (the two are repaired together)."""
    own = repair_dates(profile, stored.id, on)
    penalty = linked_penalty(profile, stored.record)
    if penalty is None:
        return own
    theirs = repair_dates(profile, penalty.id, on)
    return RepairDates(own.repaired_on or theirs.repaired_on,
                       own.published_on or theirs.published_on)


def effective_listing(profile: Profile, stored: Stored[Listing], on: dt.date) -> Listing:
    """The entry as repairs leave it on `on`: removed by a repair, or kept by a restart."""
    record = stored.record
    repaired_on = profile.repairs.get(stored.id)
    if repaired_on is not None and record.removed_on is None:
        return dataclasses.replace(record, removed_on=repaired_on, removal_reason=REPAIRED_REASON)
    restart = profile.restarts.get(stored.id)
    return record if restart is None or restart > on else restarted_listing(record, restart)


def restarted_listing(record: Listing, restart: dt.date) -> Listing:
    """A serious-list entry runs at least a full term from `restart`; others are unchanged."""
    if record.kind is not ListKind.SERIOUS_DISHONESTY:
        return record
    expires_on = restarted_expiry(record.expires_on, restart)
    return record if expires_on == record.expires_on else dataclasses.replace(
        record, expires_on=expires_on)


def restarted_expiry(expires_on: dt.date | None, restart: dt.date) -> dt.date:
    """A serious-list entry's end when its term restarted on `restart`: a full term at least."""
    term_end = period_end(restart, SERIOUS_TERM_MONTHS)
    return term_end if expires_on is None or expires_on < term_end else expires_on


def effective_listings(profile: Profile, on: dt.date) -> tuple[Stored[Listing], ...]:
    """Every entry of the profile as repairs leave it on `on` (the same objects when no repair
    concerns them)."""
    if not profile.repairs and not profile.restarts:
        return profile.listings
    return tuple(_effective(profile, s, on) for s in profile.listings)


def _effective(profile: Profile, stored: Stored[Listing], on: dt.date) -> Stored[Listing]:
    record = effective_listing(profile, stored, on)
    return stored if record is stored.record else dataclasses.replace(stored, record=record)


def published_revocations(profile: Profile, on: dt.date) -> tuple[Revocation, ...]:
    """The profile's repairs revoked for fraud that are public on `on`, newest first."""
    found = (
        Revocation(record_id, day, period_end(day, REVOCATION_PUBLIC_MONTHS))
        for record_id, day in profile.restarts.items()
    )
    public = [r for r in found if r.revoked_on <= on < r.public_until]
    return tuple(sorted(public, key=lambda r: (r.revoked_on, r.record_id), reverse=True))
