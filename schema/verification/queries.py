"""Root fields of verification: one code, a batch, and a verification issued earlier."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.audit.writer import Attached
from gateway.rules.verification import Purpose
from gateway.verification.model import Verification
from gateway.verification.service import MAX_BATCH, VerificationError, Verifier
from gateway.verification.store import load_verification, save_verifications
from schema.auditing import note_access
from schema.context import Info
from schema.errors import BadUserInputError, translated_errors
from schema.permissions import require
from schema.scalars import USCC
from schema.verification.types import CreditVerification

AS_OF = strawberry.argument(
    description="The instant to judge: the archive as it stood then, the rules in force then "
    "(default now)."
)
PURPOSE = strawberry.argument(description="What the result will be used for.")


def _verifier(info: Info) -> Verifier:
    verifier = info.context.services.verifier
    if verifier is None:
        raise RuntimeError("verification is not started in this process")  # wiring bug
    return verifier


async def _verify(
    info: Info, usccs: Sequence[str], purpose: Purpose, as_of: dt.datetime | None
) -> list[Verification]:
    require(info, Scope.CREDIT_VERIFY)
    context = info.context
    # Stored with the request's audit row, in its transaction, when one follows: a
    # verification then exists exactly when its audit row does, at one commit for both.
    with_audit = context.audit_follows and context.services.audit is not None
    try:
        issued = await _verifier(info).verify(
            usccs, purpose, as_of, context.principal.client_id or "unknown", save=not with_audit
        )
    except VerificationError as exc:
        raise BadUserInputError(str(exc)) from None
    if with_audit:
        unique = list({v.id: v for v in issued}.values())
        context.attached.append(Attached(save_verifications, unique))
    _note(info, issued)
    return issued


def _note(info: Info, issued: Sequence[Verification]) -> None:
    """What the audit row records: codes, and each verdict with its verification id."""
    context = info.context
    note_access(context, (v.uscc for v in issued), "verification")
    seen = set()
    for v in issued:
        if v.id not in seen:
            seen.add(v.id)
            context.verdicts.append(f"{v.id} {v.uscc} {v.purpose.value} {v.verdict.value}")


async def resolve_verify_credit(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    purpose: Annotated[Purpose, PURPOSE],
    as_of: Annotated[dt.datetime | None, AS_OF] = None,
) -> CreditVerification:
    require(info, Scope.CREDIT_VERIFY)  # before any work on the caller's behalf
    refresher = info.context.services.refresher
    if refresher is not None and as_of is None:
        with translated_errors():  # bring the code's sources up to date first, within bounds
            await refresher.ensure_fresh(uscc)
    issued = await _verify(info, [uscc], purpose, as_of)
    return CreditVerification.of(issued[0])


async def resolve_verify_credits(
    info: Info,
    usccs: Annotated[
        list[USCC],
        strawberry.argument(description=f"1 to {MAX_BATCH} codes; repeats are answered again."),
    ],
    purpose: Annotated[Purpose, PURPOSE],
    as_of: Annotated[dt.datetime | None, AS_OF] = None,
) -> list[CreditVerification]:
    if not usccs:
        raise BadUserInputError("usccs is empty: give 1 to 1000 codes")
    if len(usccs) > MAX_BATCH:
        raise BadUserInputError(f"at most {MAX_BATCH} codes per batch, got {len(usccs)}")
    return [CreditVerification.of(v) for v in await _verify(info, usccs, purpose, as_of)]


async def resolve_verification(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The verification's id.")],
) -> CreditVerification | None:
    try:
        key = uuid.UUID(str(id))
    except ValueError:
        raise BadUserInputError(f"{id!r} is not a verification id") from None
    found = await load_verification(info.context.services.pool, key)
    principal = info.context.principal
    if found is None or not (
        principal.has(Scope.AUDIT_READ)
        or (principal.client_id is not None and principal.client_id == found.issued_to)
    ):
        return None
    note_access(info.context, [found.uscc], "verification")
    return CreditVerification.of(found)


@strawberry.type
class VerificationQuery:
    verify_credit: CreditVerification = strawberry.field(
        resolver=resolve_verify_credit,
        description="Checks one enterprise's credit for one use. Needs the credit:verify scope. "
        "Stored, signed, audited.",
    )
    verify_credits: list[CreditVerification] = strawberry.field(
        resolver=resolve_verify_credits,
        description="Checks up to 1000 enterprises for one use; results come back in input "
        "order, one per code.",
    )
    verification: CreditVerification | None = strawberry.field(
        resolver=resolve_verification,
        description="A verification issued earlier, visible to the client it was issued to and "
        "to supervisors. Supervisors here: callers with the audit:read scope.",
    )
