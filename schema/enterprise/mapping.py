"""Builds the GraphQL types of a profile from archive records, applying the rules of today
(severity, publicity, whether a list entry is in force) and the caller's view (auth.views):
the one place where what a caller may see of a profile is decided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import strawberry

from auth.views import View
from gateway import records
from gateway.archive import profile as archive
from gateway.freshness import SourceFreshness
from gateway.keyareas import DEFAULT_RULES, KeyAreaRules
from gateway.repair.effects import (
    REVOCATION_BASIS,
    REVOCATION_NOTICE,
    RepairDates,
    effective_listings,
    inspection_repair_dates,
    linked_penalty,
    published_revocations,
    repair_dates,
)
from gateway.rules.publicity import Publicity as RulesPublicity
from gateway.rules.publicity import inspection_publicity, penalty_publicity
from gateway.rules.ruleset import DEFAULT_RULES as DEFAULT_RULE_BOOK
from gateway.rules.ruleset import RuleBook
from gateway.rules.severity import Severity, penalty_severity
from schema.enterprise.types import (
    Commitment,
    Enterprise,
    Inspection,
    License,
    Listing,
    Penalty,
    Provenance,
    Publicity,
    RepairRevocation,
)
from schema.scalars import USCC


def provenance(p: archive.Provenance) -> Provenance:
    return Provenance(
        source=p.source,
        department=p.department,
        record_id=p.record_id,
        source_updated_at=p.source_updated_at,
        received_at=p.received_at,
    )


def publicity(p: RulesPublicity) -> Publicity:
    return Publicity(
        state=p.state,
        published_on=p.published_on,
        public_until=p.public_until,
        repairable_from=p.repairable_from,
    )


def license_type(s: archive.Stored[records.License], rules: KeyAreaRules) -> License:
    r = s.record
    # A source that does not say the key area: the tagging rules read it from the number.
    derived = rules.for_licence(r.number) if r.key_area is None else None
    return License(
        id=strawberry.ID(s.id),
        number=r.number,
        title=r.title,
        key_area=r.key_area if derived is None else derived.key_area,
        scope=r.scope,
        issued_by=r.issued_by,
        issued_on=r.issued_on,
        valid_from=r.valid_from,
        valid_until=r.valid_until,
        status=r.status,
        provenance=provenance(s.provenance),
    )


_NO_REPAIR = RepairDates(None, None)


def penalty_type(
    s: archive.Stored[records.Penalty],
    today: dt.date,
    serious_listed: bool,
    repair: RepairDates = _NO_REPAIR,
    rule_book: RuleBook = DEFAULT_RULE_BOOK,
) -> Penalty:
    r = s.record
    rules_publicity = penalty_publicity(
        r, today, serious_listed=serious_listed, repaired_on=repair.repaired_on,
        published_on=repair.published_on, rules=rule_book,
    )
    return Penalty(
        id=strawberry.ID(s.id),
        decision_number=r.decision_number,
        decided_on=r.decided_on,
        authority=r.authority,
        violation=r.violation,
        legal_basis=r.legal_basis,
        measures=list(r.measures),
        fine_amount=r.fine_amount,
        confiscated_amount=r.confiscated_amount,
        procedure=r.procedure,
        severity=penalty_severity(r, today, serious_listed=serious_listed, rules=rule_book),
        key_area=r.key_area,
        publicity=publicity(rules_publicity),
        provenance=provenance(s.provenance),
    )


def inspection_type(
    s: archive.Stored[records.Inspection],
    today: dt.date,
    repair: RepairDates = _NO_REPAIR,
    penalty_tier: Severity | None = None,
    rule_book: RuleBook = DEFAULT_RULE_BOOK,
) -> Inspection:
    """`penalty_tier`: the tier of the penalty the result led to, if it names one."""
    r = s.record
    rules_publicity = inspection_publicity(
        r, today, repaired_on=repair.repaired_on, published_on=repair.published_on,
        penalty_tier=penalty_tier, rules=rule_book,
    )
    return Inspection(
        id=strawberry.ID(s.id),
        reference=r.reference,
        kind=r.kind,
        inspected_on=r.inspected_on,
        authority=r.authority,
        result=r.result,
        result_text=r.result_text,
        product=r.product,
        key_area=r.key_area,
        penalty_number=r.penalty_number,
        publicity=publicity(rules_publicity),
        provenance=provenance(s.provenance),
    )


def listing_type(s: archive.Stored[records.Listing], today: dt.date) -> Listing:
    r = s.record
    return Listing(
        id=strawberry.ID(s.id),
        kind=r.kind,
        uscc=USCC(r.uscc),
        enterprise_name=r.enterprise_name,
        reason=r.reason,
        listed_on=r.listed_on,
        listed_by=r.listed_by,
        decision_number=r.decision_number,
        expires_on=r.expires_on,
        removed_on=r.removed_on,
        removal_reason=r.removal_reason,
        active=archive.listing_active(r, today),
        provenance=provenance(s.provenance),
    )


def commitment_type(s: archive.Stored[records.Commitment]) -> Commitment:
    r = s.record
    return Commitment(
        id=strawberry.ID(s.id),
        kind=r.kind,
        content=r.content,
        committed_on=r.committed_on,
        status=r.status,
        checked_on=r.checked_on,
        public=r.is_public,
        provenance=provenance(s.provenance),
    )


def serious_list_decisions(profile: archive.Profile, today: dt.date) -> frozenset[str]:
    """Decision numbers of the penalties behind the enterprise's serious-list entries in force
    today (repairs applied): such a penalty put the enterprise on that list."""
    return frozenset(
        s.record.basis_number for s in effective_listings(profile, today)
        if s.record.kind is records.ListKind.SERIOUS_DISHONESTY and s.record.basis_number
        and archive.listing_active(s.record, today)
    )


def _linked_tier(
    profile: archive.Profile, inspection: records.Inspection, today: dt.date,
    serious: frozenset[str], rule_book: RuleBook,
) -> Severity | None:
    penalty = linked_penalty(profile, inspection)
    if penalty is None:
        return None
    number = penalty.record.decision_number
    return penalty_severity(penalty.record, today, serious_listed=number in serious,
                            rules=rule_book)


def enterprise_type(
    profile: archive.Profile,
    today: dt.date,
    view: View,
    freshness: Sequence[SourceFreshness] | None = None,
    rules: KeyAreaRules = DEFAULT_RULES,
    rule_book: RuleBook = DEFAULT_RULE_BOOK,
    as_of: dt.datetime | None = None,
) -> Enterprise:
    """The profile as of `today` as `view` shows it; `freshness` when already known (else
    loaded lazily); `rule_book` decides severity and publicity; `as_of` the past instant the
    profile was asked as of, if any."""
    reg = profile.registration.record
    serious = serious_list_decisions(profile, today)
    penalties = [
        penalty_type(s, today, s.record.decision_number in serious,
                     repair_dates(profile, s.id, today), rule_book)
        for s in profile.penalties
    ]
    inspections = [
        inspection_type(s, today, inspection_repair_dates(profile, s, today),
                        _linked_tier(profile, s.record, today, serious, rule_book), rule_book)
        for s in profile.inspections
    ]
    listings = [listing_type(s, today) for s in effective_listings(profile, today)]
    return Enterprise(
        uscc=USCC(reg.uscc),
        name=reg.name,
        former_names=list(reg.former_names),
        status=reg.status,
        entity_type=reg.entity_type,
        legal_representative=reg.legal_representative,
        legal_representative_id_number=view.id_number(reg.legal_representative_id_number),
        contact_phone=view.phone(reg.contact_phone),
        registered_capital=reg.registered_capital,
        established_on=reg.established_on,
        address=view.address(reg.address, reg.entity_type),
        division=reg.division,
        industry=reg.industry,
        registration_authority=reg.registration_authority,
        key_areas=list(profile.key_areas),
        licenses=[license_type(s, rules) for s in profile.licenses],
        penalties=[p for p in penalties if view.shows_penalty(p.procedure, p.publicity.state)],
        inspections=[i for i in inspections if view.shows_inspection(i.publicity.state)],
        listings=[entry for entry in listings if view.shows_listing(entry.active)],
        commitments=[commitment_type(s) for s in profile.commitments
                     if view.shows_commitment(s.record.is_public)],
        repair_revocations=[
            RepairRevocation(record_id=strawberry.ID(r.record_id), revoked_on=r.revoked_on,
                             public_until=r.public_until, notice=REVOCATION_NOTICE,
                             legal_basis=REVOCATION_BASIS)
            for r in published_revocations(profile, today)
        ],
        provenance=provenance(profile.registration.provenance),
        known_freshness=freshness,
        as_of=as_of,
    )
