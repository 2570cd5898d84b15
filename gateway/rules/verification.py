"""Credit verification: the verdict on an enterprise's profile for a purpose, as of a day.

`judge` is pure: the profile, the purpose, the day and the sources known to be stale decide it.
The rule set in force on the day (see `gateway.rules.purposes`) says which findings count and
how much; every finding names the archive record behind it and the rule's legal basis.

Choices the rules leave to the implementation:

- Records dated after the day (decided, listed, committed or checked later) are ignored, so a
  verification as of a past day sees only what existed then.
- A list entry is in force on the day when it was listed by then, not removed by then and
  `expires_on` after the day (the expiry day itself is no longer listed). A removal after the
  day does not reach back: as of a past day the entry was in force.
- Periods count as the Civil Code does (Arts. 201–203): a period of N years from an event on
  day D does not count D and ends with the corresponding day N years later. A major violation
  decided on D counts for procurement up to and including that day; an abnormal-list entry
  listed on D has been listed "3 years" from the day after it.
- A record gives at most one finding: a major violation is not also a penalty in publicity
  ("other penalties"), an escalated abnormal-list entry is not also an active one.
- `since` is the first day a finding applies, `until` the first day it no longer does (None:
  open-ended or unknown), like `Publicity.public_until`.
- Verdict: any RESTRICTS → RESTRICTED, even with stale sources (a restriction found stands);
  else any stale source → INDETERMINATE; else no profile → NOT_FOUND; else any CAUTIONS →
  CAUTION; else CLEAR. Missing data never yields CLEAR or NOT_FOUND.
- Findings are ordered restricts, cautions, informs; within each newest first by `since`.
  Findings without a date (the enterprise's status, stale sources) speak for the day itself
  and come first within their effect.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from typing import Any

from gateway.archive.profile import Profile, Stored
from gateway.records import (
    SELF_DISCIPLINE_KIND,
    CommitmentStatus,
    EnterpriseStatus,
    Listing,
    ListKind,
    Penalty,
)
from gateway.repair.effects import effective_listings, repair_dates
from gateway.rules.publicity import penalty_publicity, period_end
from gateway.rules.purposes import (
    DEFAULT_VERIFICATION_RULES,
    FindingCode,
    FindingEffect,
    Purpose,
    PurposeRules,
    VerificationRuleBook,
    VerificationRuleSet,
)
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook
from gateway.rules.wording import (
    abnormal_summary,
    breach_summary,
    escalation_summary,
    major_summary,
    publicity_summary,
    serious_summary,
    stale_summary,
    status_summary,
)

__all__ = [
    "DEFAULT_VERIFICATION_RULES",
    "Finding",
    "FindingCode",
    "FindingEffect",
    "Judgement",
    "Purpose",
    "Verdict",
    "VerificationRuleBook",
    "VerificationRuleSet",
    "judge",
]


class Verdict(enum.StrEnum):
    """Contract enum `Verdict`."""

    CLEAR = "CLEAR"
    CAUTION = "CAUTION"
    RESTRICTED = "RESTRICTED"
    INDETERMINATE = "INDETERMINATE"
    NOT_FOUND = "NOT_FOUND"


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """Contract type `Finding`; `record` is the archive record behind it, if any."""

    code: str
    effect: FindingEffect
    summary: str
    legal_basis: str
    record: Stored[Any] | None
    since: dt.date | None
    until: dt.date | None


@dataclasses.dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict, its findings, and the rule-set versions that decided them."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    rules_version: str


@dataclasses.dataclass(frozen=True, slots=True)
class _Fact:
    """A finding before the purpose's table gives it an effect and a legal basis."""

    code: FindingCode
    record: Stored[Any] | None
    since: dt.date | None
    until: dt.date | None
    summary: str


@dataclasses.dataclass(frozen=True, slots=True)
class _Scene:
    """Everything the record checks need besides the record."""

    profile: Profile
    on: dt.date
    rule_set: VerificationRuleSet
    table: PurposeRules
    book: VerificationRuleBook
    publicity_rules: RuleBook

    def counts(self, code: FindingCode) -> bool:
        return code in self.table.consequences


def judge(
    profile: Profile | None,
    purpose: Purpose,
    on: dt.date,
    *,
    stale_sources: Sequence[str] = (),
    rules: VerificationRuleBook = DEFAULT_VERIFICATION_RULES,
    publicity_rules: RuleBook = DEFAULT_RULES,
) -> Judgement:
    """The verdict on `profile` (None: no source knows the code) for `purpose` on day `on`."""
    purpose = Purpose(purpose)
    _check_day(on)
    stale = _stale_names(stale_sources)
    rule_set = rules.in_force(on)
    table = rule_set.purposes[purpose]
    facts: list[_Fact] = []
    if profile is not None:
        facts = list(_facts(_Scene(profile, on, rule_set, table, rules, publicity_rules)))
    findings = [_finding(fact, table) for fact in facts]
    findings += [
        Finding(FindingCode.SOURCE_STALE, FindingEffect.INFORMS, stale_summary(name),
                table.legal_basis, None, None, None)
        for name in stale
    ]
    version = f"{rule_set.version}+{publicity_rules.version_on(on)}"
    return Judgement(_verdict(profile, findings, stale), _ordered(findings), version)


def _check_day(on: dt.date) -> None:
    # A datetime is a date too, but compares with neither dates nor the day it falls on.
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise TypeError(f"on must be a date (the day asked about), got {on!r}")


def _stale_names(names: Sequence[str]) -> tuple[str, ...]:
    """The stale source names, each once, in the order given."""
    if isinstance(names, str):
        raise TypeError("stale_sources must be a sequence of source names, not one string")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"stale source names must be non-empty strings, got {name!r}")
    return tuple(dict.fromkeys(name.strip() for name in names))


def _finding(fact: _Fact, table: PurposeRules) -> Finding:
    consequence = table.consequences[fact.code]
    return Finding(fact.code, consequence.effect, fact.summary, consequence.legal_basis,
                   fact.record, fact.since, fact.until)


def _verdict(profile: Profile | None, findings: list[Finding], stale: tuple[str, ...]) -> Verdict:
    effects = {finding.effect for finding in findings}
    if FindingEffect.RESTRICTS in effects:
        return Verdict.RESTRICTED
    if stale:
        return Verdict.INDETERMINATE
    if profile is None:
        return Verdict.NOT_FOUND
    if FindingEffect.CAUTIONS in effects:
        return Verdict.CAUTION
    return Verdict.CLEAR


_RANK = {FindingEffect.RESTRICTS: 0, FindingEffect.CAUTIONS: 1, FindingEffect.INFORMS: 2}


def _ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    def key(finding: Finding) -> tuple[int, bool, int]:
        since = finding.since
        return _RANK[finding.effect], since is not None, -since.toordinal() if since else 0

    return tuple(sorted(findings, key=key))


def _facts(scene: _Scene) -> Iterator[_Fact]:
    yield from _status_facts(scene)
    yield from _listing_facts(scene)
    yield from _penalty_facts(scene)
    yield from _commitment_facts(scene)


_STATUS_CODES = {
    EnterpriseStatus.DEREGISTERED: FindingCode.ENTERPRISE_DEREGISTERED,
    EnterpriseStatus.REVOKED: FindingCode.ENTERPRISE_REVOKED,
}


def _status_facts(scene: _Scene) -> Iterator[_Fact]:
    registration = scene.profile.registration
    code = _STATUS_CODES.get(registration.record.status)
    if code is not None and scene.counts(code):
        yield _Fact(code, registration, None, None, status_summary(registration.record))


def _in_force(listing: Listing, on: dt.date) -> bool:
    """In force on `on`: listed by then, not yet removed, not yet expired (a removal or
    expiry after `on` does not reach back)."""
    removed = listing.removed_on is not None and listing.removed_on <= on
    expired = listing.expires_on is not None and listing.expires_on <= on
    return listing.listed_on <= on and not removed and not expired


def _listing_facts(scene: _Scene) -> Iterator[_Fact]:
    # A repaired entry counts as removed from the repair's day (gateway.repair.effects).
    for stored in effective_listings(scene.profile, scene.on):
        listing = stored.record
        if not _in_force(listing, scene.on):
            continue
        if listing.kind is ListKind.SERIOUS_DISHONESTY:
            fact = _serious_fact(stored, scene)
        else:
            fact = _escalated_fact(stored, scene) or _abnormal_fact(stored, scene)
        if fact is not None:
            yield fact


def _serious_fact(stored: Stored[Listing], scene: _Scene) -> _Fact | None:
    if not scene.counts(FindingCode.SERIOUS_LIST_ACTIVE):
        return None
    listing = stored.record
    return _Fact(FindingCode.SERIOUS_LIST_ACTIVE, stored, listing.listed_on,
                 listing.expires_on, serious_summary(listing))


def _abnormal_fact(stored: Stored[Listing], scene: _Scene) -> _Fact | None:
    if not scene.counts(FindingCode.ABNORMAL_LIST_ACTIVE):
        return None
    listing = stored.record
    return _Fact(FindingCode.ABNORMAL_LIST_ACTIVE, stored, listing.listed_on,
                 listing.expires_on, abnormal_summary(listing))


def _escalated_fact(stored: Stored[Listing], scene: _Scene) -> _Fact | None:
    """An abnormal-list entry in force for the escalation period, while that rule stands."""
    rule_set = scene.rule_set
    if not rule_set.abnormal_escalation or not scene.counts(FindingCode.ABNORMAL_LIST_ESCALATED):
        return None
    listing = stored.record
    years = rule_set.escalation_years
    since = period_end(listing.listed_on, 12 * years)
    if scene.on < since:
        return None
    ends = [d for d in (listing.expires_on, scene.book.escalation_ends_after(scene.on)) if d]
    return _Fact(FindingCode.ABNORMAL_LIST_ESCALATED, stored, since, min(ends, default=None),
                 escalation_summary(listing, years))


def _penalty_facts(scene: _Scene) -> Iterator[_Fact]:
    on = scene.on
    serious_decisions = {
        s.record.basis_number for s in effective_listings(scene.profile, on)
        if s.record.kind is ListKind.SERIOUS_DISHONESTY and s.record.basis_number
        and _in_force(s.record, on)
    }
    for stored in scene.profile.penalties:
        if stored.record.decided_on > on:
            continue
        listed = stored.record.decision_number in serious_decisions
        fact = _major_fact(stored, scene) or _publicity_fact(stored, scene, listed)
        if fact is not None:
            yield fact


def is_major_violation(penalty: Penalty, rule_set: VerificationRuleSet) -> bool:
    """A heavy measure (suspension, revocation) or a fine at or above the threshold."""
    if any(m in rule_set.major_measures for m in penalty.measures):
        return True
    fine = penalty.fine_amount
    return fine is not None and fine >= rule_set.procurement_fine_threshold


def _major_fact(stored: Stored[Penalty], scene: _Scene) -> _Fact | None:
    """A major violation decided within the look-back before the day."""
    rule_set = scene.rule_set
    penalty = stored.record
    if not scene.counts(FindingCode.MAJOR_VIOLATION) or not is_major_violation(penalty, rule_set):
        return None
    until = period_end(penalty.decided_on, 12 * rule_set.lookback_years)
    if scene.on >= until:
        return None
    return _Fact(FindingCode.MAJOR_VIOLATION, stored, penalty.decided_on, until,
                 major_summary(penalty, rule_set.lookback_years))


def _publicity_fact(stored: Stored[Penalty], scene: _Scene, listed: bool) -> _Fact | None:
    """A penalty public on the day under the publicity rules in force then."""
    if not scene.counts(FindingCode.PENALTY_IN_PUBLICITY):
        return None
    # A repaired penalty is not in publicity from the repair's day (state REPAIRED).
    repair = repair_dates(scene.profile, stored.id, scene.on)
    publicity = penalty_publicity(stored.record, scene.on, serious_listed=listed,
                                  repaired_on=repair.repaired_on,
                                  published_on=repair.published_on,
                                  rules=scene.publicity_rules)
    if not publicity.is_public or publicity.public_until is None:
        return None
    return _Fact(FindingCode.PENALTY_IN_PUBLICITY, stored, publicity.published_on,
                 publicity.public_until, publicity_summary(stored.record, publicity.public_until))


def _commitment_facts(scene: _Scene) -> Iterator[_Fact]:
    if not scene.counts(FindingCode.COMMITMENT_BREACHED):
        return
    for stored in scene.profile.commitments:
        commitment = stored.record
        found_on = commitment.checked_on or commitment.committed_on
        if commitment.status is not CommitmentStatus.BREACHED or found_on > scene.on:
            continue
        if commitment.committed_on > scene.on:
            continue
        # A promise to an industry association is the association's matter: only a breach of a
        # commitment made to an authority bars commitment-based approval (国办发〔2020〕42号).
        if commitment.kind == SELF_DISCIPLINE_KIND:
            continue
        yield _Fact(FindingCode.COMMITMENT_BREACHED, stored, found_on, None,
                    breach_summary(commitment))
