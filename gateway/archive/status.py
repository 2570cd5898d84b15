"""How current each source is: its sync state, and how fresh its data for an enterprise is.

A source's state follows from its last sync attempt and the age ("lag") of its last success:

- HEALTHY: the last attempt succeeded and the last success is at most two sync intervals old
  (one missed run is tolerated, e.g. a long batch).
- DOWN: the source never synced successfully, or its last success is older than both its
  max age and two sync intervals, whether its attempts fail or have stopped: its data can no
  longer be called current.
- DEGRADED: everything between: the last attempt failed, or sync is late, but the data is
  still within its max age.

Sources are those configured plus any other that has a row in `sources` (e.g. one removed from
the configuration whose records are still served); the latter use the documented defaults
of docs/sources.md for interval and max age.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gateway.archive import Queryable
from gateway.archive.codes import PerCodeQuery
from gateway.clock import utcnow
from gateway.freshness import SourceFreshness

if TYPE_CHECKING:
    from adapters.config import SourcesConfig

DEFAULT_INTERVAL = dt.timedelta(minutes=5)
DEFAULT_MAX_AGE = dt.timedelta(hours=1)


class SourceState(enum.StrEnum):
    """Contract `SourceState`."""

    HEALTHY = "HEALTHY"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"


@dataclasses.dataclass(frozen=True, slots=True)
class SourceStatus:
    """One source's sync health (contract `SourceStatus`)."""

    name: str
    department: str
    kind: str
    state: SourceState
    last_success_at: dt.datetime | None
    lag_seconds: int | None
    record_count: int
    quarantine_count: int


@dataclasses.dataclass(frozen=True, slots=True)
class _Known:
    """A source as configuration and the `sources` table know it together."""

    name: str
    department: str
    kind: str
    interval: dt.timedelta
    max_age: dt.timedelta


def source_state(
    *,
    last_attempt_at: dt.datetime | None,
    last_success_at: dt.datetime | None,
    last_error: str | None,
    interval: dt.timedelta,
    max_age: dt.timedelta,
    now: dt.datetime,
) -> SourceState:
    """The state of a source from its sync record (rules in the module docstring)."""
    if last_success_at is None:
        return SourceState.DOWN
    lag = now - last_success_at
    if lag > max(max_age, 2 * interval):
        return SourceState.DOWN
    last_succeeded = last_error is None and (
        last_attempt_at is None or last_attempt_at <= last_success_at
    )
    if last_succeeded and lag <= 2 * interval:
        return SourceState.HEALTHY
    return SourceState.DEGRADED



GATEWAY_KIND = "gateway"
"""Kind of the gateway's own source (its supervisors' decisions): it never syncs, and is
always current, so it is neither a source to watch nor ever stale."""


def _known_sources(config: SourcesConfig | None, rows: Sequence[Any]) -> list[_Known]:
    """Configured sources in configuration order, then table-only ones by name (not the
    gateway's own)."""
    rows = [r for r in rows if r["kind"] != GATEWAY_KIND]
    known = [
        _Known(s.name, s.department, s.connector, s.interval, s.max_age)
        for s in (config.sources if config is not None else ())
    ]
    names = {k.name for k in known}
    by_name = {r["name"]: r for r in rows}
    for name in sorted(set(by_name) - names):
        row = by_name[name]
        known.append(
            _Known(name, row["department"], row["kind"], DEFAULT_INTERVAL, DEFAULT_MAX_AGE)
        )
    return known


_SOURCES = """
SELECT name, department, kind, last_attempt_at, last_success_at, last_error, record_count,
       quarantine_count
FROM sources
"""


async def source_statuses(
    conn: Queryable,
    config: SourcesConfig | None,
    *,
    now: dt.datetime | None = None,
) -> list[SourceStatus]:
    """Every known source's status, configured ones first in configuration order."""
    now = now or utcnow()
    rows = await conn.fetch(_SOURCES)
    by_name = {r["name"]: r for r in rows}
    statuses = []
    for source in _known_sources(config, rows):
        row = by_name.get(source.name)
        success = None if row is None else row["last_success_at"]
        state = source_state(
            last_attempt_at=None if row is None else row["last_attempt_at"],
            last_success_at=success,
            last_error=None if row is None else row["last_error"],
            interval=source.interval,
            max_age=source.max_age,
            now=now,
        )
        statuses.append(SourceStatus(
            name=source.name,
            department=source.department,
            kind=source.kind,
            state=state,
            last_success_at=success,
            lag_seconds=None if success is None else int((now - success).total_seconds()),
            record_count=0 if row is None else row["record_count"],
            quarantine_count=0 if row is None else row["quarantine_count"],
        ))
    return statuses


# Per (code, source): the later of the source's last full sync and the code's last
# on-demand fetch from it.
_FRESHNESS = PerCodeQuery.of("""
SELECT u.uscc, s.name, s.department, s.kind,
       greatest(s.last_success_at, r.fetched_at) AS synced_at
FROM {codes}
CROSS JOIN sources s
LEFT JOIN source_refreshes r ON r.source = s.name AND r.uscc = u.uscc
""")


async def archive_freshness(
    conn: Queryable,
    usccs: Sequence[str],
    config: SourcesConfig | None,
    *,
    now: dt.datetime | None = None,
) -> dict[str, list[SourceFreshness]]:
    """How fresh each source's data for each code is, in one round trip; a source's copy
    is stale when older than its max age (or never synced)."""
    now = now or utcnow()
    rows = await _FRESHNESS.fetch(conn, usccs)
    synced = {(r["uscc"], r["name"]): r["synced_at"] for r in rows}
    known = _known_sources(config, list({r["name"]: r for r in rows}.values()))
    result: dict[str, list[SourceFreshness]] = {}
    for uscc in usccs:
        result[uscc] = [
            _freshness(source, synced.get((uscc, source.name)), now) for source in known
        ]
    return result


def _freshness(source: _Known, synced_at: dt.datetime | None, now: dt.datetime) -> SourceFreshness:
    stale = synced_at is None or now - synced_at > source.max_age
    return SourceFreshness(source.name, source.department, synced_at, stale)
