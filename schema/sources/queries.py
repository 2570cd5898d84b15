"""Root fields of the sources domain."""

from __future__ import annotations

import strawberry

from gateway.archive.status import source_statuses
from schema.context import Info
from schema.sources.types import SourceStatus


async def resolve_sources(info: Info) -> list[SourceStatus]:
    services = info.context.services
    return [SourceStatus.of(s) for s in await source_statuses(services.pool, services.sources)]


@strawberry.type
class SourcesQuery:
    sources: list[SourceStatus] = strawberry.field(
        resolver=resolve_sources,
        description="Every configured source system with its freshness.",
    )
