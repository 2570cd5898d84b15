"""Root fields of the enterprise domain: one profile, and the search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry

from gateway.archive.search import EnterpriseFilter as SearchFilter
from gateway.archive.search import search_enterprises
from gateway.freshness import Refresher, SourceFreshness
from schema.context import Info
from schema.enterprise.access import caller_view, record_access
from schema.enterprise.mapping import enterprise_type
from schema.enterprise.types import (
    Enterprise,
    EnterpriseConnection,
    EnterpriseEdge,
    EnterpriseFilter,
)
from schema.errors import SourceUnavailableError, translated_errors
from schema.pagination import PageInfo
from schema.scalars import USCC

DEFAULT_FIRST = 20


async def _refresh(refresher: Refresher, uscc: str) -> Sequence[SourceFreshness]:
    with translated_errors():
        return await refresher.ensure_fresh(uscc)


async def resolve_enterprise(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
) -> Enterprise | None:
    context = info.context
    view = caller_view(info)
    refresher = context.services.refresher
    # Refresh first, so that the profile read below already finds the refreshed records.
    freshness = None if refresher is None else await _refresh(refresher, uscc)
    profile = await context.loaders.profiles.load(uscc)
    if profile is None:
        if freshness is not None and any(f.stale for f in freshness):
            # Null would claim that no source knows the code; a source we could not reach may.
            stale = ", ".join(f.source for f in freshness if f.stale)
            raise SourceUnavailableError(
                f"the code is not in the archive and these sources could not be checked: {stale}"
            )
        return None
    record_access(info, [profile.registration.record.uscc])
    return enterprise_type(
        profile, context.today, view, freshness, context.services.key_area_rules
    )


async def resolve_enterprises(
    info: Info,
    filter_: Annotated[
        EnterpriseFilter | None,
        strawberry.argument(name="filter", description="What to look for; all if absent."),
    ] = strawberry.UNSET,
    first: Annotated[
        int | None, strawberry.argument(description="Page size, 1 to 100 (null: 20).")
    ] = DEFAULT_FIRST,
    after: Annotated[
        str | None, strawberry.argument(description="The endCursor of the previous page.")
    ] = strawberry.UNSET,
) -> EnterpriseConnection:
    context = info.context
    view = caller_view(info)
    search = filter_.to_search() if filter_ else SearchFilter()
    with translated_errors():
        search = search.validated()
        page = await search_enterprises(
            context.services.pool,
            search,
            first=DEFAULT_FIRST if first is None else first,
            after=None if after is strawberry.UNSET else after,
            today=context.today,
        )
    # The page's nodes load together: one profile query for all its codes.
    profiles = await context.loaders.profiles.load_many([hit.uscc for hit in page.hits])
    edges = [
        EnterpriseEdge(
            cursor=hit.cursor,
            node=enterprise_type(
                profile, context.today, view, rules=context.services.key_area_rules
            ),
        )
        for hit, profile in zip(page.hits, profiles, strict=True)
        if profile is not None
    ]
    record_access(info, [edge.node.uscc for edge in edges], ("edges", "node"))
    page_info = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
    return EnterpriseConnection(edges=edges, page_info=page_info, search=search)


@strawberry.type
class EnterpriseQuery:
    enterprise: Enterprise | None = strawberry.field(
        resolver=resolve_enterprise,
        description="The unified credit profile of one enterprise; null when no source knows "
        "the code.",
    )
    enterprises: EnterpriseConnection = strawberry.field(
        resolver=resolve_enterprises,
        description="Enterprises matching a filter, ordered by relevance when a name is given, "
        "else by code.",
    )
