"""Credit repair steps (scope repair:write). Each checks its conditions against the archive
and the enterprise's applications as they stand and either writes the step or is refused with
BAD_USER_INPUT naming the unmet condition, writing nothing. Every step, taken or refused, is
audited (the audit row names the enterprise and the group `creditRepairs`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.clock import utcnow
from gateway.repair.model import Repair, RepairOutcome
from gateway.repair.service import CreditRepairs
from schema.auditing import decision_hook, note_access
from schema.context import Info
from schema.errors import translated_errors
from schema.permissions import require
from schema.repair.types import CreditRepair, credit_repair
from schema.scalars import USCC

REPAIR_GROUP = "creditRepairs"
"""Group of the audit row when repair applications were read or a step was asked for."""
_ID = "The application's id (CreditRepair.id)."


def _repairs(info: Info) -> CreditRepairs:
    """The repair procedure, after checking the caller may take its steps."""
    require(info, Scope.REPAIR_WRITE)
    services = info.context.services
    return CreditRepairs(services.pool, calendar=services.rules.calendar,
                         rules=services.rules.rules,
                         on_decision=decision_hook(info.context, REPAIR_GROUP))


def _caller(info: Info) -> str | None:
    principal = info.context.principal
    return principal.client_id or principal.subject


async def _noted(info: Info, repairs: CreditRepairs, repair_id: str) -> None:
    with translated_errors():
        uscc = await repairs.enterprise_of(repair_id)
    note_access(info.context, [uscc], REPAIR_GROUP)


def _taken(info: Info, repair: Repair) -> CreditRepair:
    return credit_repair(repair, info.context.today)


async def resolve_apply(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    target_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The record to repair: a Penalty, Inspection or "
                            "Listing id of this enterprise."),
    ],
    commitment_text: Annotated[
        str, strawberry.argument(description="The good-faith commitment (守信承诺书).")
    ],
    proof_refs: Annotated[
        list[str],
        strawberry.argument(description="References to the proof of rectification (1 to 50)."),
    ],
) -> CreditRepair:
    repairs = _repairs(info)
    note_access(info.context, [uscc], REPAIR_GROUP)
    with translated_errors():
        repair = await repairs.apply(uscc, target_id, commitment_text, proof_refs,
                                     by=_caller(info), now=utcnow())
    return _taken(info, repair)


async def resolve_accept(
    info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=_ID)]
) -> CreditRepair:
    repairs = _repairs(info)
    await _noted(info, repairs, id)
    with translated_errors():
        repair = await repairs.accept(id, by=_caller(info), now=utcnow())
    return _taken(info, repair)


async def resolve_decide(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description=_ID)],
    outcome: Annotated[RepairOutcome, strawberry.argument(description="What is decided.")],
    reason: Annotated[str, strawberry.argument(description="The decision's reason.")],
) -> CreditRepair:
    repairs = _repairs(info)
    await _noted(info, repairs, id)
    with translated_errors():
        repair = await repairs.decide(id, outcome, reason, by=_caller(info), now=utcnow())
    return _taken(info, repair)


async def resolve_revoke(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description=_ID)],
    reason: Annotated[str, strawberry.argument(description="The fraud found.")],
) -> CreditRepair:
    repairs = _repairs(info)
    await _noted(info, repairs, id)
    with translated_errors():
        repair = await repairs.revoke(id, reason, by=_caller(info), now=utcnow())
    return _taken(info, repair)


@strawberry.type(description="Credit repair (信用修复). Each step needs the repair:write scope.")
class RepairMutation:
    apply_credit_repair: CreditRepair = strawberry.mutation(
        resolver=resolve_apply,
        description="Records an application to repair a penalty, a negative inspection "
        "result or a list entry. Refused when the record can never be repaired (revocation, "
        "downgrade, closure), needs no repair (minor), is no longer public or in force, its "
        "minimum period is not over, a restriction still runs, a violation of the same kind "
        "was penalised again, an application for it is open, or a repair of the enterprise "
        "was revoked for fraud within 3 years. To be accepted within 2 working days.",
    )
    accept_credit_repair: CreditRepair = strawberry.mutation(
        resolver=resolve_accept,
        description="Accepts an APPLIED application; the decision is due within 7 working days.",
    )
    decide_credit_repair: CreditRepair = strawberry.mutation(
        resolver=resolve_decide,
        description="Decides an ACCEPTED application: APPROVE (the conditions are checked "
        "again; the record stops being public at once), REJECT, or EXTEND (a complex case, "
        "once: 10 more working days).",
    )
    revoke_credit_repair: CreditRepair = strawberry.mutation(
        resolver=resolve_revoke,
        description="Revokes an APPROVED repair obtained by fraud: the record is public again "
        "with its period restarted today, the refusal is published for 3 years, and the "
        "enterprise may not apply again for 3 years.",
    )
