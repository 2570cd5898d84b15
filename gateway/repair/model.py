"""A credit-repair application and its states."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid

from gateway.refusals import Refused


class RepairStatus(enum.StrEnum):
    """Where an application stands: APPLIED → ACCEPTED → APPROVED or REJECTED; an approval
    found fraudulent becomes REVOKED."""

    APPLIED = "APPLIED"
    ACCEPTED = "ACCEPTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"


OPEN_STATUSES = frozenset({RepairStatus.APPLIED, RepairStatus.ACCEPTED})


class RepairTarget(enum.StrEnum):
    """The kind of record a repair is about."""

    PENALTY = "PENALTY"
    INSPECTION = "INSPECTION"
    ABNORMAL_LISTING = "ABNORMAL_LISTING"
    SERIOUS_LISTING = "SERIOUS_LISTING"


class RepairOutcome(enum.StrEnum):
    """What a decision does: approve, reject, or mark the case complex (+10 working days)."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"
    EXTEND = "EXTEND"


@dataclasses.dataclass(frozen=True, slots=True)
class Repair:
    """One application, as stored (table credit_repairs); `target_id` is records.id."""

    id: uuid.UUID
    uscc: str
    target_id: str
    target_kind: RepairTarget
    status: RepairStatus
    commitment_text: str
    proof_refs: tuple[str, ...]
    applied_at: dt.datetime
    accept_due: dt.date
    applied_by: str | None = None
    accepted_at: dt.datetime | None = None
    accepted_by: str | None = None
    decide_due: dt.date | None = None
    complex: bool = False
    decided_at: dt.datetime | None = None
    decided_on: dt.date | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    update_due: dt.date | None = None
    revoked_at: dt.datetime | None = None
    revoked_on: dt.date | None = None
    revoked_by: str | None = None
    revocation_reason: str | None = None

    def overdue(self, today: dt.date) -> bool:
        """Whether the step the bureau owes next is past its last day."""
        if self.status is RepairStatus.APPLIED:
            return today > self.accept_due
        if self.status is RepairStatus.ACCEPTED:
            return self.decide_due is not None and today > self.decide_due
        return False


class RepairRefused(Refused):
    """A condition of a repair step is not met, or an argument is invalid; the message says
    which."""
