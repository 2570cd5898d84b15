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

# Each department source (not the gateway's own) as [name, department, last success], the
# same for every code (an uncorrelated subquery: PostgreSQL evaluates it once per query); and
# per code, the sources it was fetched from on demand as [source, fetched at] (mostly none).
_COLUMN = """
(SELECT json_agg(json_build_array(s.name, s.department, s.last_success_at) ORDER BY s.name)
 FROM sources s WHERE s.kind <> $2)::text AS sources,
(SELECT json_agg(json_build_array(r.source, r.fetched_at))
 FROM source_refreshes r WHERE r.uscc = u.uscc)::text AS refreshes
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
    parsed: dict[str, list[list[Any]]] = {}  # the sources column, alike in every row
    # Most codes share each source's last sync: one (immutable) entry serves them all.
    known: dict[tuple[str, str, str | None, str | None], SourceFreshness] = {}
    for row in rows:
        text = row["sources"] or "[]"
        sources = parsed.get(text)
        if sources is None:
            sources = parsed[text] = orjson.loads(text)
        fetched = dict(orjson.loads(row["refreshes"])) if row["refreshes"] else {}
        entries = found[row["uscc"]] = []
        for name, department, synced_text in sources:
            key = (name, department, synced_text, fetched.get(name))
            entry = known.get(key)
            if entry is None:
                entry = known[key] = _entry(*key, now, max_staleness)
            entries.append(entry)
    seen = {name for name, *_ in known}
    missing = [] if config is None else _never_synced(config, seen)
    for entries in found.values():
        entries.extend(missing)
    return found


def _entry(
    name: str,
    department: str,
    synced_text: str | None,
    fetched_text: str | None,
    now: dt.datetime,
    max_staleness: dt.timedelta,
) -> SourceFreshness:
    """A source's freshness for a code: its last sync or the code's later on-demand fetch."""
    instants = [_instant(t) for t in (synced_text, fetched_text) if t is not None]
    synced = max(instants) if instants else None
    stale = synced is None or now - synced > max_staleness
    return SourceFreshness(name, department, synced, stale)


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
