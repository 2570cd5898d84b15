"""Root field of the centralised publicity (集中公示): public, like the lists themselves."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gateway.lists.publicity import PublicityQuery, publicity_page
from gateway.records import ListKind
from schema.auditing import note_access
from schema.context import Info
from schema.enterprise.access import caller_view
from schema.enterprise.mapping import listing_type
from schema.errors import ForbiddenError, translated_errors
from schema.lists.access import READ_GROUP
from schema.lists.types import ListingConnection, ListingEdge
from schema.pagination import After, PageInfo, PageSize

DEFAULT_FIRST = 20
PAST_NEEDS_FULL_VIEW = (
    "entries in force on a past day include entries removed since, which only profile:read "
    "sees (with a stated purpose); the public sees today's entries and later days'"
)


def _publicity_day(info: Info, active_on: dt.date | None) -> dt.date:
    """The day asked about; a past day only for callers who see removed entries."""
    today = info.context.today
    if active_on is None or active_on >= today:
        return today if active_on is None else active_on
    if not caller_view(info).every_record:
        raise ForbiddenError(PAST_NEEDS_FULL_VIEW)
    return active_on


async def resolve_listings(
    info: Info,
    kind: Annotated[ListKind, strawberry.argument(description="Which list.")],
    active_on: Annotated[
        dt.date | None,
        strawberry.argument(
            description="Entries in force on this day (null: today in Asia/Shanghai). A day "
            "before today needs the profile:read scope and a stated purpose."
        ),
    ] = strawberry.UNSET,
    division: Annotated[
        str | None,
        strawberry.argument(
            description="Administrative division code or prefix of the enterprise's "
            "registered address, e.g. 4405 for all of Shantou."
        ),
    ] = strawberry.UNSET,
    first: PageSize = DEFAULT_FIRST,
    after: After = strawberry.UNSET,
) -> ListingConnection:
    context = info.context
    day = _publicity_day(info, None if active_on is strawberry.UNSET else active_on)
    query = PublicityQuery(kind, day, None if division is strawberry.UNSET else division)
    with translated_errors():
        query = query.validated()
        page = await publicity_page(
            context.services.pool,
            query,
            first=DEFAULT_FIRST if first is None else first,
            after=None if after is strawberry.UNSET else after,
        )
    edges = [
        ListingEdge(cursor=e.cursor, node=listing_type(e.stored, context.today))
        for e in page.entries
    ]
    note_access(info.context, [e.stored.record.uscc for e in page.entries], READ_GROUP)
    page_info = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
    return ListingConnection(edges=edges, page_info=page_info, query=query)


@strawberry.type
class ListsQuery:
    listings: ListingConnection = strawberry.field(
        resolver=resolve_listings,
        description="Centralised publicity of listed enterprises (集中公示): entries active on "
        "the given date (default today). Public: no scope needed. Newest listing first.",
    )
