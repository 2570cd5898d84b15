"""How fresh one source's data for one enterprise is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Protocol


@dataclasses.dataclass(frozen=True, slots=True)
class SourceFreshness:
    """When one source's data for one enterprise was last known current (contract type)."""

    source: str
    department: str
    synced_at: dt.datetime | None
    stale: bool


class Refresher(Protocol):
    """Brings one enterprise's data up to date before a profile is served."""

    async def ensure_fresh(self, uscc: str) -> Sequence[SourceFreshness]:
        """Fetch from every source whose copy is older than its max age, within a bounded
        time; return each source's freshness afterwards (stale where a fetch failed)."""
        ...
