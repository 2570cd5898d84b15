"""How fresh each department source's data for each code is, for a verification.

A verification judges with what the archive knows now (also for an instant in the past), so
what matters is whether that knowledge is current: each source's last successful sync, or a
later on-demand fetch of the code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from adapters.config import SourcesConfig
from gateway.archive import Queryable
from gateway.archive.codes import PerCodeQuery
from gateway.archive.status import GATEWAY_KIND
from gateway.freshness import SourceFreshness

_NOW = PerCodeQuery.of("""
SELECT u.uscc, s.name, s.department, greatest(s.last_success_at, r.fetched_at) AS synced_at
FROM {codes}
CROSS JOIN sources s
LEFT JOIN source_refreshes r ON r.source = s.name AND r.uscc = u.uscc
WHERE s.kind <> $2
ORDER BY u.uscc, s.name
""")


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
    found: dict[str, list[SourceFreshness]] = {u: [] for u in usccs}
    for row in rows:
        synced = row["synced_at"]
        stale = synced is None or now - synced > max_staleness
        found[row["uscc"]].append(SourceFreshness(row["name"], row["department"], synced, stale))
    missing = [] if config is None else _never_synced(config, {r["name"] for r in rows})
    for uscc in usccs:
        found[uscc].extend(missing)
    return found


def _never_synced(config: SourcesConfig, seen: set[str]) -> list[SourceFreshness]:
    return [
        SourceFreshness(s.name, s.department, None, True)
        for s in config.sources
        if s.name not in seen
    ]
