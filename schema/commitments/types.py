"""Types of the commitments domain. Commitments themselves are the profile's `Commitment`
type (schema.enterprise.types)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway import records
from gateway.archive.profile import Stored
from gateway.associations.store import Membership
from gateway.commitments.rules import CheckOutcome
from gateway.commitments.store import Check
from schema.enterprise.mapping import commitment_type
from schema.enterprise.types import Commitment
from schema.scalars import USCC

strawberry.enum(
    CheckOutcome,
    description="What the check of a commitment found: FULFILLED (kept) or BREACHED (a false "
    "or broken commitment, which goes into the credit record).",
)


@strawberry.type(description="The check of a commitment, with what it rests on.")
class CommitmentCheck:
    commitment: Commitment = strawberry.field(
        description="The commitment as the check left it (its new version)."
    )
    outcome: CheckOutcome = strawberry.field(description="What the check found.")
    checked_on: dt.date = strawberry.field(description="Date of the check.")
    evidence: str = strawberry.field(description="What the finding rests on.")
    checked_by: str | None = strawberry.field(description="The client that recorded it.")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded.")


def check_type(stored: Stored[records.Commitment], check: Check) -> CommitmentCheck:
    return CommitmentCheck(
        commitment=commitment_type(stored),
        outcome=check.outcome,
        checked_on=check.checked_on,
        evidence=check.evidence,
        checked_by=check.checked_by,
        recorded_at=check.recorded_at,
    )


@strawberry.type(description="An enterprise that is a member of an industry association.")
class AssociationMembership:
    association_client_id: str = strawberry.field(
        description="The association's client id (its role is association)."
    )
    uscc: USCC = strawberry.field(description="The member enterprise's code.")
    added_at: dt.datetime = strawberry.field(description="When the membership was recorded.")
    added_by: str | None = strawberry.field(description="The client that recorded it.")


def membership_type(membership: Membership) -> AssociationMembership:
    return AssociationMembership(
        association_client_id=membership.client_id,
        uscc=USCC(membership.uscc),
        added_at=membership.added_at,
        added_by=membership.added_by,
    )
