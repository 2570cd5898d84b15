"""The conditions of submitting a commitment and of recording its check, as pure functions.

Each function takes what the archive knows now and the arguments, and returns the Commitment
record to write, or raises CommitmentRefused naming the first unmet condition.

Choices the rules leave to the implementation:

- Commitment-based approval (告知承诺制审批) is refused to an enterprise the verification for
  COMMITMENT_APPROVAL restricts on the day of the commitment: an active serious-list entry, a
  breached (false) commitment not repaired, or a deregistered or revoked enterprise. One rule
  decides both, so the two never disagree.
- Only commitments recorded here are checked here: a department's commitment is checked, and
  its record changed, in the department's own system (谁产生、谁负责).
- A commitment is checked once: FULFILLED and BREACHED are final. A second check is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from gateway import refusals
from gateway.archive.profile import Profile, Stored
from gateway.lists.decisions import SOURCE
from gateway.records import Commitment, CommitmentStatus
from gateway.refusals import Refused
from gateway.rules.config import DEFAULT_RULES_CONFIG, RulesConfig
from gateway.rules.verification import FindingEffect, Purpose, judge

APPROVAL_KIND = "告知承诺制审批"
"""Commitment-based approval: excluded for the enterprises of domain §8."""
"""A self-discipline commitment, the only kind an association records for its members."""
MAX_KIND = 50
MAX_CONTENT = 2000
MAX_EVIDENCE = 5000


class CommitmentRefused(Refused):
    """A condition is not met, or an argument is invalid; the message says which."""


class CommitmentForbidden(PermissionError):
    """The caller may not do this (an association outside its members or its kind)."""


class CheckOutcome(enum.StrEnum):
    """What a check found."""

    FULFILLED = "FULFILLED"
    BREACHED = "BREACHED"


def text_argument(name: str, value: str, most: int) -> str:
    """A trimmed, non-empty text of at most `most` characters."""
    return refusals.text_argument(name, value, most, CommitmentRefused)


def _not_in_future(name: str, day: dt.date, today: dt.date) -> None:
    refusals.not_in_future(name, day, today, CommitmentRefused)


def new_commitment(
    profile: Profile,
    kind: str,
    content: str,
    committed_on: dt.date,
    *,
    public: bool,
    today: dt.date,
    rules: RulesConfig = DEFAULT_RULES_CONFIG,
) -> Commitment:
    """The commitment record to write for the enterprise of `profile`."""
    what = text_argument("kind", kind, MAX_KIND)
    text = text_argument("content", content, MAX_CONTENT)
    _not_in_future("committedOn", committed_on, today)
    if what == APPROVAL_KIND:
        _approval_allowed(profile, committed_on, rules)
    return Commitment(
        uscc=profile.uscc,
        kind=what,
        content=text,
        committed_on=committed_on,
        status=CommitmentStatus.IN_FORCE,
        public=None if public else False,
    )


def _approval_allowed(profile: Profile, on: dt.date, rules: RulesConfig) -> None:
    """Order 44 Art.15(3), 国办发〔2020〕42号: excluded while verification restricts."""
    judgement = judge(profile, Purpose.COMMITMENT_APPROVAL, on,
                      rules=rules.verification, publicity_rules=rules.rules)
    reasons = [f.summary for f in judgement.findings if f.effect is FindingEffect.RESTRICTS]
    if reasons:
        raise CommitmentRefused(
            f"{profile.uscc} is excluded from commitment-based approval ({APPROVAL_KIND}) on "
            f"{on}: " + "; ".join(reasons)
        )


def checked(
    stored: Stored[Commitment],
    outcome: CheckOutcome,
    checked_on: dt.date,
    evidence: str,
    *,
    today: dt.date,
) -> tuple[Commitment, str]:
    """The commitment's new version after its check, and the trimmed evidence."""
    record = stored.record
    if stored.provenance.source != SOURCE:
        raise CommitmentRefused(
            f"commitment {stored.id} comes from source {stored.provenance.source!r} "
            f"({stored.provenance.department}): it is checked in that department's system"
        )
    if record.status is not CommitmentStatus.IN_FORCE:
        raise CommitmentRefused(
            f"commitment {stored.id} was already checked: {record.status.value} on "
            f"{record.checked_on}"
        )
    _not_in_future("checkedOn", checked_on, today)
    if checked_on < record.committed_on:
        raise CommitmentRefused(
            f"checkedOn {checked_on} is before the commitment ({record.committed_on})"
        )
    proof = text_argument("evidence", evidence, MAX_EVIDENCE)
    status = CommitmentStatus(outcome.value)
    # A breach goes into the credit record (国办发〔2019〕35号): it is published even when the
    # commitment itself was not.
    public = None if status is CommitmentStatus.BREACHED else record.public
    return dataclasses.replace(record, status=status, checked_on=checked_on,
                               public=public), proof
