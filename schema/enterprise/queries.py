"""Root fields of the enterprise domain: one profile, and the search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

import strawberry

from auth.roles import Scope
from auth.views import View
from gateway.archive.profile import load_profile
from gateway.archive.search import EnterpriseFilter as SearchFilter
from gateway.archive.search import search_enterprises
from gateway.clock import utcnow
from gateway.freshness import Refresher, SourceFreshness
from gateway.rules.calendar import local_date
from schema.context import Info
from schema.enterprise.access import caller_view, record_access, views_of
from schema.enterprise.mapping import enterprise_type
from schema.enterprise.types import (
    Enterprise,
    EnterpriseConnection,
    EnterpriseEdge,
    EnterpriseFilter,
)
from schema.errors import BadUserInputError, SourceUnavailableError, translated_errors
from schema.pagination import After, PageInfo, PageSize
from schema.permissions import require
from schema.scalars import USCC

DEFAULT_FIRST = 20


async def _refresh(refresher: Refresher, uscc: str) -> Sequence[SourceFreshness]:
    with translated_errors():
        return await refresher.ensure_fresh(uscc)


async def resolve_enterprise(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    as_of: Annotated[
        dt.datetime | None,
        strawberry.argument(
            description="The profile as the archive stood at this instant, judged by the "
            "rules in force on that day (Asia/Shanghai). Needs the profile:history scope."
        ),
    ] = None,
) -> Enterprise | None:
    context = info.context
    view = (await views_of(info, [uscc]))[uscc]
    if as_of is not None:
        return await _enterprise_as_of(info, uscc, as_of, view)
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
        profile, context.today, view, freshness, context.services.key_area_rules,
        context.services.rules.rules,
    )


async def _enterprise_as_of(
    info: Info, uscc: str, as_of: dt.datetime, view: View
) -> Enterprise | None:
    """A past state of the profile: no refresh, no freshness (it describes the present)."""
    require(info, Scope.PROFILE_HISTORY)
    context = info.context
    if as_of > utcnow():
        raise BadUserInputError("asOf is in the future: the archive knows only the past")
    profile = await load_profile(context.services.pool, uscc, as_of=as_of)
    if profile is None:
        return None
    record_access(info, [uscc])
    context.field_groups.add("history")
    return enterprise_type(
        profile, local_date(as_of), view, (), context.services.key_area_rules,
        context.services.rules.rules, as_of,
    )


async def resolve_enterprises(
    info: Info,
    filter_: Annotated[
        EnterpriseFilter | None,
        strawberry.argument(name="filter", description="What to look for; all if absent."),
    ] = strawberry.UNSET,
    first: PageSize = DEFAULT_FIRST,
    after: After = strawberry.UNSET,
) -> EnterpriseConnection:
    context = info.context
    caller_view(info)  # FORBIDDEN before searching
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
    views = await views_of(info, [hit.uscc for hit in page.hits])
    edges = [
        EnterpriseEdge(
            cursor=hit.cursor,
            node=enterprise_type(
                profile, context.today, views[hit.uscc], rules=context.services.key_area_rules,
                rule_book=context.services.rules.rules,
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
