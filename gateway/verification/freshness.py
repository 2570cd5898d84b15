"""How fresh each department source's data for each code is, for a verification.

A verification judges with what the archive knows now (also for an instant in the past), so
what matters is whether that knowledge is current: each source's last successful sync, or a
later on-demand fetch of the code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from adapters.config import SourcesConfig
from gateway.archive import Queryable
from gateway.archive.codes import PerCodeQuery
from gateway.archive.profile import Profile, current_profiles_with, profiles_of
from gateway.archive.status import GATEWAY_KIND
from gateway.freshness import SourceFreshness

# Per code, each department source (not the gateway's own) as [name, department, synced_at].
_COLUMN = """
(SELECT json_agg(json_build_array(s.name, s.department,
                                  greatest(s.last_success_at, r.fetched_at)) ORDER BY s.name)
 FROM sources s
 LEFT JOIN source_refreshes r ON r.source = s.name AND r.uscc = u.uscc
 WHERE s.kind <> $2)::text AS freshness
"""

_NOW = PerCodeQuery.of(f"SELECT u.uscc, {_COLUMN} FROM {{codes}}")  # noqa: S608 (constants)
_PROFILES_NOW = current_profiles_with(_COLUMN)


async def current_freshness(
    conn: Queryable,
    usccs: Sequence[str],
    now: dt.datetime,
    max_staleness: dt.timedelta,
    config: SourcesConfig | None,
) -> dict[str, list[SourceFreshness]]:
    """Per code, each department source's freshness (one round trip). A source is stale when
    its data is older than `max_staleness` or it never synced; a configured source that has
    not even started counts too."""
    rows = await _NOW.fetch(conn, usccs, GATEWAY_KIND)
    return _freshness(rows, now, max_staleness, config)


async def current_profiles_and_freshness(
    conn: Queryable,
    usccs: Sequence[str],
    now: dt.datetime,
    max_staleness: dt.timedelta,
    config: SourcesConfig | None,
) -> tuple[dict[str, Profile], dict[str, list[SourceFreshness]]]:
    """The current profiles of the codes (as `load_profiles`) and their freshness (as
    `current_freshness`), in one round trip."""
    rows = await _PROFILES_NOW.fetch(conn, usccs, GATEWAY_KIND)
    return profiles_of(rows), _freshness(rows, now, max_staleness, config)


def _freshness(
    rows: Iterable[Mapping[str, Any]],
    now: dt.datetime,
    max_staleness: dt.timedelta,
    config: SourcesConfig | None,
) -> dict[str, list[SourceFreshness]]:
    found: dict[str, list[SourceFreshness]] = {}
    # Most codes share each source's last sync: one (immutable) entry serves them all.
    known: dict[tuple[str, str, str | None], SourceFreshness] = {}
    for row in rows:
        sources = found[row["uscc"]] = []
        for name, department, synced_text in orjson.loads(row["freshness"] or "[]"):
            key = (name, department, synced_text)
            entry = known.get(key)
            if entry is None:
                synced = None if synced_text is None else _instant(synced_text)
                stale = synced is None or now - synced > max_staleness
                entry = known[key] = SourceFreshness(name, department, synced, stale)
            sources.append(entry)
    seen = {name for name, _, _ in known}
    missing = [] if config is None else _never_synced(config, seen)
    for sources in found.values():
        sources.extend(missing)
    return found


def _instant(text: str) -> dt.datetime:
    """A timestamptz of PostgreSQL's JSON (in the connection's time zone) in UTC, as asyncpg
    gives it."""
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _never_synced(config: SourcesConfig, seen: set[str]) -> list[SourceFreshness]:
    return [
        SourceFreshness(s.name, s.department, None, True)
        for s in config.sources
        if s.name not in seen
    ]
