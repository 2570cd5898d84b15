"""Types of source systems' health and freshness."""

from __future__ import annotations

import datetime as dt

import strawberry

import schema.enums  # noqa: F401 (registers SourceState)
from gateway.archive.status import SourceState
from gateway.archive.status import SourceStatus as StoredStatus
from gateway.freshness import SourceFreshness as Freshness


@strawberry.type(description="A configured source system and its sync health.")
class SourceStatus:
    name: str = strawberry.field(description="The source's configured name.")
    department: str = strawberry.field(description="The department that runs the source.")
    kind: str = strawberry.field(description="Connector kind: postgres, http or file.")
    state: SourceState = strawberry.field(description="Sync health now.")
    last_success_at: dt.datetime | None = strawberry.field(
        description="End of the last successful sync; null if it never synced."
    )
    lag_seconds: int | None = strawberry.field(
        description="Seconds since the last successful sync; null if it never synced."
    )
    record_count: int = strawberry.field(description="Records received from the source.")
    quarantine_count: int = strawberry.field(
        description="Source rows that could not be mapped and wait in quarantine with their reason."
    )

    @classmethod
    def of(cls, status: StoredStatus) -> SourceStatus:
        return cls(
            name=status.name,
            department=status.department,
            kind=status.kind,
            state=status.state,
            last_success_at=status.last_success_at,
            lag_seconds=status.lag_seconds,
            record_count=status.record_count,
            quarantine_count=status.quarantine_count,
        )


@strawberry.type(description="How fresh one source's data for one enterprise is.")
class SourceFreshness:
    source: str = strawberry.field(description="The source's configured name.")
    department: str = strawberry.field(description="The department that runs the source.")
    synced_at: dt.datetime | None = strawberry.field(
        description="When this source's data for the enterprise was last known current (its "
        "last sync or an on-demand fetch); null if never."
    )
    stale: bool = strawberry.field(
        description="True when that is longer ago than the source's max age."
    )

    @classmethod
    def of(cls, freshness: Freshness) -> SourceFreshness:
        return cls(
            source=freshness.source,
            department=freshness.department,
            synced_at=freshness.synced_at,
            stale=freshness.stale,
        )
