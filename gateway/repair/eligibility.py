"""Whether a credit-repair application may be made (or approved), as pure functions.

`check_application` takes what the archive knows now (the profile, the enterprise's repair
applications) and raises RepairRefused naming the first unmet condition, or returns the kind of
record concerned. Nothing here touches the database.

Conditions (Order 107 from 2025-12-25, the 2021 rules before; the rule set in force on `today`
decides, see gateway.rules.ruleset):

- The record is the enterprise's penalty, inspection result or list entry.
- No repair of the enterprise was revoked for fraud within the last 3 years (a period of 36
  months from the revocation day, counted like every period here: Civil Code Arts. 201, 202).
- No open application (APPLIED, ACCEPTED) and no standing approval for the same record.
- Penalty: published and still public; not revocation, downgrade or closure (never); not minor
  (not needed); the minimum period over (`Publicity.repairable_from`: 3 months general, 1 year
  serious under Order 107; 6 months, 1 year in food, drugs and special equipment before); no
  restriction still running (its end known and passed).
- Repeat of the same kind (choice): a later penalty of the enterprise, decided after the target
  and by today, with the same legal basis (when both name one) or the same violation text. The
  target is still public, so such a penalty falls within its period.
- Inspection result: negative and still public. Under Order 107 a negative result with no or a
  minor penalty stops being public after 3 months: not needed. Under the 2021 rules it stays
  public 3 years and may be repaired after the general wait. A result that names the penalty it
  led to (`Inspection.penalty_number`), when that penalty is general or serious, is repaired
  with that penalty: applying for the result itself is refused, and the penalty's approval
  repairs both (gateway.repair.effects.inspection_repair_dates).
- Abnormal-list entry: in force (the cause must be corrected; no minimum period).
- Serious-list entry: in force, at least one year on the list, no statutory restriction still
  running, and no serious listing of the enterprise since.
- A revoked repair restarts the record's period (gateway.repair.effects): the minimum period
  counts again from the revocation day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from gateway.archive.profile import Profile, Stored, listing_active
from gateway.records import Inspection, Listing, ListKind, Penalty, R
from gateway.repair.effects import effective_listing, linked_penalty, repair_dates
from gateway.repair.model import OPEN_STATUSES, Repair, RepairRefused, RepairStatus, RepairTarget
from gateway.rules.publicity import (
    PublicityState,
    RepairEligibility,
    inspection_publicity,
    penalty_publicity,
    period_end,
)
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook
from gateway.rules.severity import Severity, penalty_severity

FRAUD_BLOCK_MONTHS = 36
SERIOUS_LIST_MIN_MONTHS = 12


def check_application(
    profile: Profile,
    target_id: str,
    repairs: Collection[Repair],
    today: dt.date,
    *,
    restriction_ends_on: dt.date | None = None,
    rules: RuleBook = DEFAULT_RULES,
) -> RepairTarget:
    """The kind of record `target_id` if a repair of it may be applied for (or approved) on
    `today`; `repairs` are the enterprise's other applications, `restriction_ends_on` the
    last day of a statutory restriction recorded for the record, if any."""
    penalty = _find(profile.penalties, target_id)
    inspection = _find(profile.inspections, target_id)
    listing = _find(profile.listings, target_id)
    if penalty is None and inspection is None and listing is None:
        raise RepairRefused(
            f"targetId: {target_id} is not a penalty, inspection result or list entry of "
            f"{profile.uscc}"
        )
    no_fraud_block(repairs, today)
    _none_pending(repairs, target_id)
    if penalty is not None:
        _penalty(profile, target_id, penalty.record, today, restriction_ends_on, rules)
        return RepairTarget.PENALTY
    if inspection is not None:
        _inspection(profile, target_id, inspection.record, today, rules)
        return RepairTarget.INSPECTION
    assert listing is not None
    return _listing(profile, listing, today, restriction_ends_on)


def _find(group: tuple[Stored[R], ...], target_id: str) -> Stored[R] | None:
    return next((stored for stored in group if stored.id == target_id), None)


def no_fraud_block(repairs: Collection[Repair], today: dt.date) -> None:
    """No new application within 3 years of a repair revoked for fraud."""
    for repair in repairs:
        if repair.status is RepairStatus.REVOKED and repair.revoked_on is not None:
            until = period_end(repair.revoked_on, FRAUD_BLOCK_MONTHS)
            if today < until:
                raise RepairRefused(
                    f"a repair of this enterprise was revoked for fraud on {repair.revoked_on}: "
                    f"no new application before {until}"
                )


def _none_pending(repairs: Collection[Repair], target_id: str) -> None:
    for repair in repairs:
        if repair.target_id != target_id:
            continue
        if repair.status in OPEN_STATUSES:
            raise RepairRefused(f"application {repair.id} for this record is still open "
                                f"({repair.status.value})")
        if repair.status is RepairStatus.APPROVED:
            raise RepairRefused(f"the record was already repaired on {repair.decided_on}")


def _serious_numbers(profile: Profile, today: dt.date) -> frozenset[str]:
    entries = (effective_listing(profile, s, today) for s in profile.listings)
    return frozenset(
        e.basis_number for e in entries
        if e.kind is ListKind.SERIOUS_DISHONESTY and e.basis_number and listing_active(e, today)
    )


def _penalty(
    profile: Profile,
    record_id: str,
    penalty: Penalty,
    today: dt.date,
    restriction_ends_on: dt.date | None,
    rules: RuleBook,
) -> None:
    restart = repair_dates(profile, record_id, today).published_on
    publicity = penalty_publicity(
        penalty, today, serious_listed=penalty.decision_number in _serious_numbers(profile, today),
        restriction_ends_on=restriction_ends_on, published_on=restart, rules=rules,
    )
    name = penalty.decision_number
    if publicity.state is PublicityState.NOT_PUBLISHED:
        raise RepairRefused(f"penalty {name} is not published: nothing to repair")
    if publicity.repair is RepairEligibility.NEVER:
        raise RepairRefused(f"penalty {name} imposes revocation, downgrade or closure, which can "
                            f"never be repaired")
    if publicity.repair is RepairEligibility.NOT_NEEDED:
        raise RepairRefused(f"penalty {name} is minor: repair is not needed, its publicity ends "
                            f"on {publicity.public_until}")
    if publicity.state is not PublicityState.PUBLIC:
        raise RepairRefused(f"penalty {name} is no longer public (since {publicity.public_until})"
                            f": nothing to repair")
    _restriction_over(name, restriction_ends_on, publicity.repair, today)
    earliest = publicity.repairable_from
    if earliest is not None and today < earliest:
        raise RepairRefused(f"penalty {name}: the minimum period is not over; repair may be "
                            f"applied for from {earliest}")
    _no_repeat(profile, record_id, penalty, today)


def _restriction_over(
    name: str, ends_on: dt.date | None, repair: RepairEligibility, today: dt.date
) -> None:
    if repair is RepairEligibility.WAITING_FOR_RESTRICTION_END:
        raise RepairRefused(f"penalty {name} imposes a restriction whose end is not recorded: "
                            f"repair waits until it is over")
    if ends_on is not None and today <= ends_on:
        raise RepairRefused(f"penalty {name}: a restriction still runs until {ends_on}")


def _no_repeat(profile: Profile, record_id: str, penalty: Penalty, today: dt.date) -> None:
    for stored in profile.penalties:
        later = stored.record
        if stored.id == record_id or not penalty.decided_on < later.decided_on <= today:
            continue
        same_basis = bool(penalty.legal_basis) and later.legal_basis == penalty.legal_basis
        if same_basis or later.violation == penalty.violation:
            raise RepairRefused(
                f"a violation of the same kind was penalised again: {later.decision_number} "
                f"of {later.decided_on}"
            )


def _inspection(
    profile: Profile, record_id: str, inspection: Inspection, today: dt.date, rules: RuleBook
) -> None:
    rule_set = rules.in_force(today)
    name = inspection.reference
    if inspection.result not in rule_set.negative_inspection_results:
        raise RepairRefused(f"inspection {name} found no problem: nothing to repair")
    _not_with_penalty(profile, inspection, today, rules)
    start = repair_dates(profile, record_id, today).published_on
    publicity = inspection_publicity(inspection, today, published_on=start, rules=rules)
    if publicity.state is not PublicityState.PUBLIC:
        raise RepairRefused(f"inspection {name} is not public: nothing to repair")
    if rule_set.negative_inspection_public_months <= rule_set.minor_public_months:
        raise RepairRefused(f"inspection {name}: repair is not needed, its publicity ends on "
                            f"{publicity.public_until}")
    earliest = period_end(start or inspection.inspected_on, rule_set.general_repair_months)
    if today < earliest:
        raise RepairRefused(f"inspection {name}: the minimum period is not over; repair may be "
                            f"applied for from {earliest}")


def _not_with_penalty(
    profile: Profile, inspection: Inspection, today: dt.date, rules: RuleBook
) -> None:
    """A result that led to a penalty above the minor tier is repaired with that penalty."""
    penalty = linked_penalty(profile, inspection)
    if penalty is None:
        return
    number = penalty.record.decision_number
    tier = penalty_severity(penalty.record, today, rules=rules,
                            serious_listed=number in _serious_numbers(profile, today))
    if tier is not Severity.MINOR:
        raise RepairRefused(f"inspection {inspection.reference} led to penalty {number}: it is "
                            f"repaired together with that penalty, apply for the penalty")


def _listing(
    profile: Profile, stored: Stored[Listing], today: dt.date, restriction_ends_on: dt.date | None
) -> RepairTarget:
    entry = effective_listing(profile, stored, today)
    if not listing_active(entry, today) or entry.listed_on > today:
        raise RepairRefused(f"list entry {stored.id} is not in force: nothing to repair")
    if entry.kind is ListKind.ABNORMAL_OPERATIONS:
        return RepairTarget.ABNORMAL_LISTING
    start = profile.restarts.get(stored.id) or entry.listed_on
    earliest = period_end(min(start, today), SERIOUS_LIST_MIN_MONTHS)
    if today < earliest:
        raise RepairRefused(f"list entry {stored.id}: one year on the serious list is not over; "
                            f"repair may be applied for from {earliest}")
    if restriction_ends_on is not None and today <= restriction_ends_on:
        raise RepairRefused(f"list entry {stored.id}: a restriction still runs until "
                            f"{restriction_ends_on}")
    _no_new_serious_listing(profile, stored)
    return RepairTarget.SERIOUS_LISTING


def _no_new_serious_listing(profile: Profile, stored: Stored[Listing]) -> None:
    for other in profile.listings:
        again = other.record.kind is ListKind.SERIOUS_DISHONESTY
        if again and other.id != stored.id and other.record.listed_on > stored.record.listed_on:
            raise RepairRefused(f"the enterprise was put on the serious list again since: entry "
                                f"{other.id} of {other.record.listed_on}")
