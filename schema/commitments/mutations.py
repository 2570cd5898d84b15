"""Commitments and their checks (scope commitments:write). The bureau's staff record them for
any enterprise; an association only self-discipline commitments (自律承诺) of its members,
FORBIDDEN otherwise. A refused request gets BAD_USER_INPUT naming the unmet condition and
writes nothing. Every request, taken or refused, is audited (group `commitments`)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Annotated

import strawberry

import schema.commitments.types  # noqa: F401 (registers CheckOutcome before it is used)
from auth.roles import Role, Scope
from gateway.commitments.rules import (
    APPROVAL_KIND,
    MAX_CONTENT,
    MAX_EVIDENCE,
    MAX_KIND,
    CheckOutcome,
    CommitmentForbidden,
    CommitmentRefused,
)
from gateway.commitments.service import Commitments
from gateway.commitments.store import Actor
from gateway.records import SELF_DISCIPLINE_KIND
from gateway.rules.config import DEFAULT_RULES_CONFIG
from schema.auditing import decision_hook, note_access
from schema.commitments.types import CommitmentCheck, check_type
from schema.context import Info
from schema.enterprise.mapping import commitment_type
from schema.enterprise.types import Commitment
from schema.errors import BadUserInputError, ForbiddenError
from schema.permissions import require
from schema.scalars import USCC

COMMITMENTS_GROUP = "commitments"
"""Group of the audit row (the profile's `commitments` group)."""


def commitments_of(info: Info) -> tuple[Commitments, Actor]:
    """The commitments of this gateway's bureau and the caller, once it may record them."""
    require(info, Scope.COMMITMENTS_WRITE)
    principal = info.context.principal
    actor = Actor(principal.client_id or principal.subject,
                  association=principal.role is Role.ASSOCIATION)
    services = info.context.services
    rules = DEFAULT_RULES_CONFIG if services.verifier is None else services.verifier.rules
    hook = decision_hook(info.context, COMMITMENTS_GROUP)
    return Commitments(services.pool, services.settings.authority, rules, hook), actor


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except CommitmentRefused as e:
        raise BadUserInputError(str(e)) from None
    except CommitmentForbidden as e:
        raise ForbiddenError(str(e)) from None


async def resolve_submit_commitment(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The committing enterprise's code.")],
    kind: Annotated[
        str,
        strawberry.argument(description=f"What the commitment is made for, at most {MAX_KIND} "
                            f"characters, e.g. {APPROVAL_KIND} or {SELF_DISCIPLINE_KIND}."),
    ],
    content: Annotated[
        str, strawberry.argument(description=f"What is promised, at most {MAX_CONTENT} "
                                 "characters.")
    ],
    committed_on: Annotated[
        dt.date, strawberry.argument(description="Date of the commitment; not later than today.")
    ],
    public: Annotated[
        bool,
        strawberry.argument(description="False keeps the commitment out of the public view "
                            "(callers that see every record still see it)."),
    ] = True,
) -> Commitment:
    commitments, actor = commitments_of(info)
    context = info.context
    note_access(context, [uscc], COMMITMENTS_GROUP)
    with refusals():
        stored = await commitments.submit(
            actor, uscc, kind, content, committed_on, public=public, today=context.today
        )
    return commitment_type(stored)


async def resolve_record_commitment_check(
    info: Info,
    commitment_id: Annotated[
        strawberry.ID, strawberry.argument(description="The commitment (Commitment.id).")
    ],
    outcome: Annotated[CheckOutcome, strawberry.argument(description="What the check found.")],
    checked_on: Annotated[
        dt.date,
        strawberry.argument(description="Date of the check: not before the commitment, not "
                            "later than today."),
    ],
    evidence: Annotated[
        str, strawberry.argument(description=f"What the finding rests on, at most "
                                 f"{MAX_EVIDENCE} characters.")
    ],
) -> CommitmentCheck:
    commitments, actor = commitments_of(info)
    context = info.context
    with refusals():
        note_access(context, [await commitments.enterprise_of(commitment_id)], COMMITMENTS_GROUP)
        stored, check = await commitments.record_check(
            actor, commitment_id, outcome, checked_on, evidence, today=context.today
        )
    return check_type(stored, check)


@strawberry.type(description="Credit commitments and their checks. Each needs the "
                 "commitments:write scope.")
class CommitmentMutation:
    submit_commitment: Commitment = strawberry.mutation(
        resolver=resolve_submit_commitment,
        description="Records a credit commitment (信用承诺) of an enterprise, IN_FORCE until "
        "checked. An association records only self-discipline commitments "
        f"({SELF_DISCIPLINE_KIND}) of its members. Refused for an enterprise no source knows, "
        "empty or too long text, a date in the future, and, for commitment-based approval "
        f"({APPROVAL_KIND}), an enterprise that verification for COMMITMENT_APPROVAL restricts "
        "on that date (serious-list entry in force, unrepaired breached commitment).",
    )
    record_commitment_check: CommitmentCheck = strawberry.mutation(
        resolver=resolve_record_commitment_check,
        description="Records the check of a commitment in force: the commitment becomes "
        "FULFILLED or BREACHED (final; a second check is refused) and the evidence is kept. "
        "A breach goes into the credit record and verification. Only commitments recorded "
        "here are checked here; a department's commitment is checked in its own system. An "
        f"association checks only self-discipline commitments ({SELF_DISCIPLINE_KIND}) of its "
        "members.",
    )
