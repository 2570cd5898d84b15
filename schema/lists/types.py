"""Types of the lists domain: the grounds of decisions and a page of the publicity. List
entries themselves are the profile's `Listing` type (schema.enterprise.types)."""

from __future__ import annotations

import strawberry

from gateway.lists.grounds import AbnormalGround, RevocationGround
from gateway.lists.publicity import PublicityQuery, count_publicity
from schema.context import Info
from schema.enterprise.types import Listing
from schema.pagination import PageInfo

strawberry.enum(
    AbnormalGround,
    description="Grounds for the abnormal-operations list (domain.md §2): ANNUAL_REPORT_NOT_"
    "FILED (annual report not published by 30 June), INFO_NOT_DISCLOSED (information not "
    "disclosed within the ordered period), NAME_CHANGE_NOT_REGISTERED, UNREACHABLE_AT_ADDRESS "
    "(cannot be contacted at the registered address), FALSE_INFORMATION_DISCLOSED (a ground "
    "only for decisions dated before 2024-03-10).",
)
strawberry.enum(
    RevocationGround,
    description="Grounds for revoking a list decision: PENALTY_ANNULLED (the penalty a "
    "serious listing was decided with was annulled; SAMR Order 44 Art.19).",
)


@strawberry.type(description="One entry of the centralised publicity and its cursor.")
class ListingEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: Listing = strawberry.field(description="The list entry.")


async def resolve_total_count(root: ListingConnection, info: Info) -> int:
    return await count_publicity(info.context.services.pool, root.query)


@strawberry.type(description="A page of the centralised publicity of one list.")
class ListingConnection:
    edges: list[ListingEdge] = strawberry.field(
        description="The page's entries, newest listing first."
    )
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    # A resolver: counting every entry in force reads all of them, so it runs only when asked.
    total_count: int = strawberry.field(
        resolver=resolve_total_count,
        description="How many entries are in force on the day asked about (and in the "
        "division, if given).",
    )
    query: strawberry.Private[PublicityQuery]
