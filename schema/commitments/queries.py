"""The check of a commitment recorded here, with its evidence (scope commitments:write; an
association only for its members)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.auditing import note_access
from schema.commitments.mutations import COMMITMENTS_GROUP, commitments_of, refusals
from schema.commitments.types import CommitmentCheck, check_type
from schema.context import Info


async def resolve_commitment_check(
    info: Info,
    commitment_id: Annotated[
        strawberry.ID, strawberry.argument(description="The commitment (Commitment.id).")
    ],
) -> CommitmentCheck | None:
    commitments, actor = commitments_of(info)
    with refusals():
        note_access(info.context, [await commitments.enterprise_of(commitment_id)],
                    COMMITMENTS_GROUP)
        found = await commitments.check_of(actor, commitment_id)
    return None if found is None else check_type(*found)


@strawberry.type
class CommitmentQuery:
    commitment_check: CommitmentCheck | None = strawberry.field(
        resolver=resolve_commitment_check,
        description="The check recorded here of a commitment, with its evidence; null when it "
        "was not checked here. Needs the commitments:write scope; an association sees those "
        "of its members only.",
    )
