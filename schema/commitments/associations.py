"""Administrators keep which enterprises are members of each industry association (scope
clients:admin). A refused change gets BAD_USER_INPUT saying why and stores nothing."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.associations import membership
from gateway.associations.membership import MembershipError
from gateway.associations.store import Membership
from schema.auditing import note_access
from schema.commitments.types import AssociationMembership, membership_type
from schema.context import Info
from schema.errors import BadUserInputError
from schema.permissions import require
from schema.scalars import USCC

MEMBERS_GROUP = "associationMembers"
"""Group of the audit row when a membership was changed or asked to be."""
_CLIENT = "The association's client id; its role must be association."
_USCC = "The member enterprise's code."


async def resolve_add_member(
    info: Info,
    association_client_id: Annotated[str, strawberry.argument(description=_CLIENT)],
    uscc: Annotated[USCC, strawberry.argument(description=_USCC)],
) -> AssociationMembership:
    require(info, Scope.CLIENTS_ADMIN)
    note_access(info.context, [uscc], MEMBERS_GROUP)
    principal = info.context.principal
    try:
        added = await membership.add_member(
            info.context.services.pool, association_client_id, uscc,
            principal.client_id or principal.subject,
        )
    except MembershipError as e:
        raise BadUserInputError(str(e)) from None
    return membership_type(added)


async def resolve_remove_member(
    info: Info,
    association_client_id: Annotated[str, strawberry.argument(description=_CLIENT)],
    uscc: Annotated[USCC, strawberry.argument(description=_USCC)],
) -> AssociationMembership:
    require(info, Scope.CLIENTS_ADMIN)
    note_access(info.context, [uscc], MEMBERS_GROUP)
    try:
        removed: Membership = await membership.remove_member(
            info.context.services.pool, association_client_id, uscc
        )
    except MembershipError as e:
        raise BadUserInputError(str(e)) from None
    return membership_type(removed)


@strawberry.type(description="Members of industry associations. Each needs the clients:admin "
                 "scope.")
class AssociationMutation:
    add_association_member: AssociationMembership = strawberry.mutation(
        resolver=resolve_add_member,
        description="Makes an enterprise a member of an association client: the association "
        "then sees its full profile (for a stated purpose, personal data masked) and records "
        "its self-discipline commitments. Refused for a client that is not an active "
        "association, an enterprise no source knows, or an existing membership.",
    )
    remove_association_member: AssociationMembership = strawberry.mutation(
        resolver=resolve_remove_member,
        description="Ends an enterprise's membership of an association client; returns the "
        "membership that ended. Refused when it is not a member.",
    )
