"""Types of credit repair: an application with its deadlines, and a page of applications."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.repair import model
from gateway.repair.eligibility import FRAUD_BLOCK_MONTHS
from gateway.rules.publicity import period_end
from schema.pagination import PageInfo
from schema.scalars import USCC

RepairStatus = strawberry.enum(
    model.RepairStatus,
    description="Where a repair application stands: APPLIED (waiting to be accepted), "
    "ACCEPTED (waiting for the decision), APPROVED (the record is repaired), REJECTED, REVOKED "
    "(an approval revoked for fraud: the record is restored and its period restarted).",
)
RepairTarget = strawberry.enum(
    model.RepairTarget,
    description="The kind of record a repair is about: PENALTY, INSPECTION (a negative "
    "result), ABNORMAL_LISTING, SERIOUS_LISTING.",
)
RepairOutcome = strawberry.enum(
    model.RepairOutcome,
    description="A decision on an accepted application: APPROVE, REJECT, or EXTEND (mark the "
    "case complex: the decision is due 10 working days later).",
)


@strawberry.type(description="A credit-repair application (信用修复申请) and its deadlines, "
                 "counted in working days on the official calendar.")
class CreditRepair:
    id: strawberry.ID = strawberry.field(description="The application's id.")
    uscc: USCC = strawberry.field(description="The enterprise's code.")
    target_id: strawberry.ID = strawberry.field(
        description="The record repaired: a Penalty, Inspection or Listing id."
    )
    target_kind: model.RepairTarget = strawberry.field(description="The kind of that record.")
    status: model.RepairStatus = strawberry.field(description="Where the application stands.")
    commitment_text: str = strawberry.field(description="The good-faith commitment (守信承诺书).")
    proof_refs: list[str] = strawberry.field(
        description="References to the proof of rectification."
    )
    applied_at: dt.datetime = strawberry.field(description="When the application was recorded.")
    accept_due: dt.date = strawberry.field(description="Last day to accept it (2 working days).")
    accepted_at: dt.datetime | None = strawberry.field(description="When it was accepted.")
    decide_due: dt.date | None = strawberry.field(
        description="Last day to decide (7 working days after acceptance, 17 when complex)."
    )
    complex: bool = strawberry.field(description="Whether the case was marked complex.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    decided_by: str | None = strawberry.field(description="The client that decided it.")
    decision_reason: str | None = strawberry.field(description="The decision's reason.")
    update_due: dt.date | None = strawberry.field(
        description="After an approval: last day to update the published data (3 working "
        "days). The gateway's own views change at the approval."
    )
    revoked_at: dt.datetime | None = strawberry.field(description="When it was revoked.")
    revocation_reason: str | None = strawberry.field(description="Why it was revoked.")
    refusal_public_until: dt.date | None = strawberry.field(
        description="After a revocation for fraud: the first day the refusal is no longer "
        "published and the enterprise may apply again (3 years)."
    )
    overdue: bool = strawberry.field(
        description="Whether the bureau's next step (accepting, deciding) is past its last day."
    )


def credit_repair(repair: model.Repair, today: dt.date) -> CreditRepair:
    revoked = repair.revoked_on
    return CreditRepair(
        id=strawberry.ID(str(repair.id)), uscc=USCC(repair.uscc),
        target_id=strawberry.ID(repair.target_id), target_kind=repair.target_kind,
        status=repair.status, commitment_text=repair.commitment_text,
        proof_refs=list(repair.proof_refs), applied_at=repair.applied_at,
        accept_due=repair.accept_due, accepted_at=repair.accepted_at,
        decide_due=repair.decide_due, complex=repair.complex, decided_at=repair.decided_at,
        decided_by=repair.decided_by, decision_reason=repair.decision_reason,
        update_due=repair.update_due, revoked_at=repair.revoked_at,
        revocation_reason=repair.revocation_reason,
        refusal_public_until=None if revoked is None else period_end(revoked, FRAUD_BLOCK_MONTHS),
        overdue=repair.overdue(today),
    )


@strawberry.type(description="One repair application and its cursor.")
class CreditRepairEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: CreditRepair = strawberry.field(description="The application.")


@strawberry.type(description="A page of repair applications, newest first.")
class CreditRepairConnection:
    edges: list[CreditRepairEdge] = strawberry.field(description="The page's applications.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
