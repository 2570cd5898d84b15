"""The legal conditions of supervisors' list decisions, as pure functions.

Each function takes what the archive knows now (the enterprise's profile, the entry
concerned) and the decision's arguments, and returns the Listing record to write, or raises
DecisionRefused naming the first unmet condition. Nothing here touches the database.

Choices the regulations leave to the implementation:

- Only entries of the gateway's own source (`SOURCE`) are removed or revoked here. A decision
  of the bureau must not rewrite a department's record (谁产生、谁负责): an entry a department
  system delivered is changed in that system and arrives with its next sync.
- Periods are counted as the rules module counts them (Civil Code Arts. 201, 202; see
  gateway.rules.publicity): a serious listing on day D runs three years not counting D, so
  `expires_on`, the first day off the list, is the day after the corresponding day three years
  later; early removal may come from the day after the corresponding day one year later.
- Automatic removal after the serious list's term writes nothing: `expires_on` makes the entry
  inactive from that day (`listing_active`); `removed_on` and `removal_reason` stay empty.
- Removals of abnormal entries and revocations take effect on the day they are decided (today
  in Asia/Shanghai); an early removal takes effect on the day the supervisor gives.
- A serious listing is decided together with its penalty (Order 44), so its date must be the
  penalty's decision date. The penalty must be a heavier one (domain.md §3): a measure of the
  rule set's `heavy_measures`, or a fine that the supervisor states is at the heavy end of the
  local discretion band (there is no fixed amount to check).
- "No new heavier penalty" for an early removal: no penalty with a heavy measure decided since
  the listing, and no other serious-list entry since; a fine's band cannot be read from a
  record, so a fine alone counts only when it led to a serious listing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

from gateway import refusals
from gateway.archive.own import OWN_SOURCE
from gateway.archive.profile import Profile, Stored, listing_active
from gateway.lists.grounds import (
    ABNORMAL_REASONS,
    EARLY_REMOVAL_REASON,
    FALSE_INFORMATION_REPEALED_ON,
    REVOCATION_REASONS,
    AbnormalGround,
    RevocationGround,
)
from gateway.records import (
    EnterpriseStatus,
    Listing,
    ListKind,
    Penalty,
    PenaltyMeasure,
    PenaltyProcedure,
    Registration,
)
from gateway.refusals import Refused
from gateway.rules.publicity import period_end
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook

SOURCE = OWN_SOURCE
"""The gateway's own source, where list decisions are written."""

SERIOUS_TERM_MONTHS = 36
EARLY_REMOVAL_AFTER_MONTHS = 12
MAX_DECISION_NUMBER = 100
MAX_TEXT = 500
LISTABLE_STATUSES = frozenset({EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED})
INDIVIDUAL_BUSINESS_PREFIX = "92"
"""GB 32100 authority 9 + type 2: individual businesses are marked abnormal, not listed."""

_ONE_DAY = dt.timedelta(days=1)
ABNORMAL = ListKind.ABNORMAL_OPERATIONS
SERIOUS = ListKind.SERIOUS_DISHONESTY


class DecisionRefused(Refused):
    """A condition of the decision is not met, or an argument is invalid; the message says
    which."""


@dataclasses.dataclass(frozen=True, slots=True)
class SeriousBasis:
    """What a serious listing decided here rests on, kept beside its record: the penalty
    (archive id) it was decided with, and the last day of a statutory restriction, if any."""

    penalty_id: str
    restriction_ends_on: dt.date | None


def text_argument(name: str, value: str, most: int) -> str:
    """A trimmed, non-empty text of at most `most` characters."""
    return refusals.text_argument(name, value, most, DecisionRefused)


def _not_in_future(name: str, day: dt.date, today: dt.date) -> None:
    refusals.not_in_future(name, day, today, DecisionRefused)


def list_abnormal(
    profile: Profile,
    ground: AbnormalGround,
    decided_on: dt.date,
    decision_number: str,
    *,
    today: dt.date,
    authority: str,
) -> Listing:
    """The entry putting the enterprise on the abnormal-operations list for `ground`."""
    _not_in_future("decidedOn", decided_on, today)
    number = text_argument("decisionNumber", decision_number, MAX_DECISION_NUMBER)
    registration = profile.registration.record
    _listable_as_abnormal(registration)
    _ground_in_force(ground, decided_on)
    reason = ABNORMAL_REASONS[ground]
    for entry in profile.active_listings(ABNORMAL, today):
        if entry.record.reason == reason:
            raise DecisionRefused(
                f"{registration.uscc} is already on the abnormal-operations list for this "
                f"ground (entry {entry.id}, listed {entry.record.listed_on})"
            )
    return Listing(
        uscc=registration.uscc,
        kind=ABNORMAL,
        enterprise_name=registration.name,
        reason=reason,
        listed_on=decided_on,
        listed_by=authority,
        decision_number=number,
    )


def _listable_as_abnormal(registration: Registration) -> None:
    if registration.status not in LISTABLE_STATUSES:
        raise DecisionRefused(
            f"{registration.uscc} is {registration.status.value}: only an enterprise still "
            f"registered here (OPERATING or SUSPENDED) is put on the abnormal-operations list"
        )
    if registration.uscc.startswith(INDIVIDUAL_BUSINESS_PREFIX):
        raise DecisionRefused(
            f"{registration.uscc} is an individual business: it is marked abnormal "
            f"(经营异常状态), not put on the abnormal-operations list of enterprises"
        )


def _ground_in_force(ground: AbnormalGround, decided_on: dt.date) -> None:
    if ground is AbnormalGround.FALSE_INFORMATION_DISCLOSED and (
        decided_on >= FALSE_INFORMATION_REPEALED_ON
    ):
        raise DecisionRefused(
            f"disclosing false information is no longer a ground for the abnormal-operations "
            f"list since {FALSE_INFORMATION_REPEALED_ON} (《企业信息公示暂行条例》 as revised): "
            f"it is fined, and serious cases go to the serious-dishonesty list"
        )


def remove_abnormal(
    entry: Stored[Listing], corrected_on: dt.date, reason: str, *, today: dt.date
) -> Listing:
    """The entry's new version once the cause was corrected: removed today."""
    _decided_here(entry)
    _of_kind(entry, ABNORMAL)
    _in_force(entry, today)
    _not_in_future("correctedOn", corrected_on, today)
    if corrected_on < entry.record.listed_on:
        raise DecisionRefused(
            f"correctedOn {corrected_on} is before the listing ({entry.record.listed_on})"
        )
    why = text_argument("reason", reason, MAX_TEXT)
    return dataclasses.replace(entry.record, removed_on=today, removal_reason=why)


def _decided_here(entry: Stored[Listing]) -> None:
    source = entry.provenance.source
    if source != SOURCE:
        raise DecisionRefused(
            f"entry {entry.id} comes from source {source!r} ({entry.provenance.department}): "
            f"a department's record is changed in its own system, not by a decision here"
        )


def _of_kind(entry: Stored[Listing], kind: ListKind) -> None:
    if entry.record.kind is not kind:
        raise DecisionRefused(f"entry {entry.id} is on the {entry.record.kind.value} list, "
                              f"not on the {kind.value} list")


def _in_force(entry: Stored[Listing], today: dt.date) -> None:
    record = entry.record
    if record.removed_on is not None:
        raise DecisionRefused(f"entry {entry.id} was already removed on {record.removed_on}")
    if not listing_active(record, today):
        raise DecisionRefused(f"entry {entry.id} left the list automatically on "
                              f"{record.expires_on}")


def list_serious(
    profile: Profile,
    penalty_id: str,
    decided_on: dt.date,
    decision_number: str,
    reason: str,
    *,
    heavy_end_of_band: bool,
    restriction_ends_on: dt.date | None,
    bases: Collection[SeriousBasis],
    today: dt.date,
    authority: str,
    rules: RuleBook = DEFAULT_RULES,
) -> tuple[Listing, SeriousBasis]:
    """The entry putting the enterprise on the serious-dishonesty list with penalty
    `penalty_id`, and its basis; `bases` are those of the enterprise's entries decided here."""
    _not_in_future("decidedOn", decided_on, today)
    number = text_argument("decisionNumber", decision_number, MAX_DECISION_NUMBER)
    why = text_argument("reason", reason, MAX_TEXT)
    penalty = _penalty_of(profile, penalty_id)
    _decided_with(penalty, decided_on)
    _heavier(penalty, heavy_end_of_band, rules)
    _not_listed_for(profile, penalty_id, penalty, bases)
    registration = profile.registration.record
    listing = Listing(
        uscc=registration.uscc,
        kind=SERIOUS,
        enterprise_name=registration.name,
        reason=why,
        listed_on=decided_on,
        listed_by=authority,
        decision_number=number,
        expires_on=_serious_expiry(decided_on, restriction_ends_on),
        penalty_number=penalty.decision_number,
    )
    return listing, SeriousBasis(penalty_id, restriction_ends_on)


def _serious_expiry(decided_on: dt.date, restriction_ends_on: dt.date | None) -> dt.date:
    """The first day off the list: after three years, or after a longer restriction."""
    expires_on = period_end(decided_on, SERIOUS_TERM_MONTHS)
    if restriction_ends_on is None:
        return expires_on
    if restriction_ends_on < decided_on:
        raise DecisionRefused(
            f"restrictionEndsOn {restriction_ends_on} is before the decision ({decided_on})"
        )
    return max(expires_on, restriction_ends_on + _ONE_DAY)


def _penalty_of(profile: Profile, penalty_id: str) -> Penalty:
    for stored in profile.penalties:
        if stored.id == penalty_id:
            return stored.record
    raise DecisionRefused(f"penalty {penalty_id} is not a penalty of {profile.uscc}")


def _decided_with(penalty: Penalty, decided_on: dt.date) -> None:
    if decided_on != penalty.decided_on:
        raise DecisionRefused(
            f"a serious listing is decided together with its penalty: decidedOn must be "
            f"{penalty.decided_on}, the date of {penalty.decision_number}, not {decided_on}"
        )


def _heavier(penalty: Penalty, heavy_end_of_band: bool, rules: RuleBook) -> None:
    """Order 44: only a heavier penalty puts an enterprise on the serious list."""
    if penalty.procedure is not PenaltyProcedure.ORDINARY:
        raise DecisionRefused(
            f"penalty {penalty.decision_number} was decided under the simple procedure, "
            f"which imposes no heavier penalty"
        )
    if set(penalty.measures) & rules.in_force(penalty.decided_on).heavy_measures:
        return
    if PenaltyMeasure.FINE in penalty.measures and heavy_end_of_band:
        return
    fine = " (heavyEndOfBand is false)" if PenaltyMeasure.FINE in penalty.measures else ""
    raise DecisionRefused(
        f"penalty {penalty.decision_number} is not a heavier penalty{fine}: the serious list "
        f"needs revocation, downgrade, restriction, suspension, closure, an occupational ban, "
        f"or a fine at the heavy end of the discretion band"
    )


def _not_listed_for(
    profile: Profile, penalty_id: str, penalty: Penalty, bases: Collection[SeriousBasis]
) -> None:
    # Entries delivered by a department name their penalty by its decision number.
    delivered = any(
        s.record.kind is SERIOUS and s.record.basis_number == penalty.decision_number
        for s in profile.listings
    )
    if delivered or any(b.penalty_id == penalty_id for b in bases):
        raise DecisionRefused(
            f"{profile.uscc} is already on the serious-dishonesty list for penalty "
            f"{penalty.decision_number}"
        )


def remove_serious_early(
    profile: Profile,
    entry: Stored[Listing],
    basis: SeriousBasis | None,
    on: dt.date,
    *,
    penalty_performed: bool,
    harm_removed: bool,
    today: dt.date,
    rules: RuleBook = DEFAULT_RULES,
) -> Listing:
    """The entry's new version, removed early on `on` (Order 44; domain.md §3)."""
    _decided_here(entry)
    _of_kind(entry, SERIOUS)
    _in_force(entry, today)
    if basis is None:
        raise DecisionRefused(f"entry {entry.id} has no recorded penalty to judge removal by")
    _not_in_future("on", on, today)
    earliest = period_end(entry.record.listed_on, EARLY_REMOVAL_AFTER_MONTHS)
    if on < earliest:
        raise DecisionRefused(
            f"early removal comes after one year on the list: not before {earliest}"
        )
    if not penalty_performed:
        raise DecisionRefused("the penalty must have been performed (penaltyPerformed)")
    if not harm_removed:
        raise DecisionRefused("the harm must have been removed (harmRemoved)")
    _no_heavier_penalty_since(profile, entry, basis, rules)
    _restriction_over(profile, basis, on, rules)
    return dataclasses.replace(entry.record, removed_on=on, removal_reason=EARLY_REMOVAL_REASON)


def _no_heavier_penalty_since(
    profile: Profile, entry: Stored[Listing], basis: SeriousBasis, rules: RuleBook
) -> None:
    since = entry.record.listed_on
    for stored in profile.penalties:
        p = stored.record
        heavy = set(p.measures) & rules.in_force(p.decided_on).heavy_measures
        if stored.id != basis.penalty_id and p.decided_on >= since and heavy:
            raise DecisionRefused(
                f"a new heavier penalty was decided since the listing: {p.decision_number} "
                f"of {p.decided_on}"
            )
    for other in profile.listings:
        again = other.record.kind is SERIOUS and other.record.listed_on >= since
        if again and other.id != entry.id:
            raise DecisionRefused(
                f"the enterprise was put on the serious-dishonesty list again since: entry "
                f"{other.id} of {other.record.listed_on}"
            )


def _restriction_over(
    profile: Profile, basis: SeriousBasis, on: dt.date, rules: RuleBook
) -> None:
    """Not while a statutory restriction still runs; a restricting measure whose end was not
    recorded cannot be shown to be over."""
    ends_on = basis.restriction_ends_on
    if ends_on is not None and on <= ends_on:
        raise DecisionRefused(f"a statutory restriction runs until {ends_on}")
    if ends_on is None:
        penalty = next((s.record for s in profile.penalties if s.id == basis.penalty_id), None)
        restricting = rules.in_force(on).restricting_measures
        if penalty is not None and set(penalty.measures) & restricting:
            raise DecisionRefused(
                f"penalty {penalty.decision_number} imposes a restriction whose end was not "
                f"recorded with the listing: it cannot be shown to be over"
            )


def revoke_listing(
    entry: Stored[Listing], ground: RevocationGround, *, today: dt.date
) -> Listing:
    """The entry's new version, revoked today on `ground`."""
    _decided_here(entry)
    _of_kind(entry, SERIOUS)
    if entry.record.removed_on is not None:
        raise DecisionRefused(
            f"entry {entry.id} was already removed on {entry.record.removed_on}"
        )
    return dataclasses.replace(
        entry.record, removed_on=today, removal_reason=REVOCATION_REASONS[ground]
    )
