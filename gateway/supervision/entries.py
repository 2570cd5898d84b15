"""An entry of the key-supervision list as stored, and a derived entry to be written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from gateway.supervision.grounds import Ground, Origin, Rule


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """An entry with its enterprise's current name and division."""

    id: str
    uscc: str
    enterprise_name: str
    division: str
    origin: Origin
    grounds: tuple[Ground, ...]
    measures: tuple[str, ...]
    started_at: dt.datetime
    started_by: str | None
    reason: str | None
    ended_at: dt.datetime | None
    ended_by: str | None
    end_reason: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Derived:
    """What the rules put on the list for one enterprise."""

    uscc: str
    grounds: tuple[Ground, ...]
    measures: tuple[str, ...]

    def copy_row(self) -> tuple[str, list[str], str, list[str]]:
        """The row of the refresh's staging table."""
        rules = sorted({g.rule.value for g in self.grounds})
        return self.uscc, rules, grounds_json(self.grounds), list(self.measures)


def grounds_json(grounds: tuple[Ground, ...]) -> str:
    return json.dumps([g.as_json() for g in grounds], ensure_ascii=False, separators=(",", ":"))


def entry_of(row: Any) -> Entry:
    """An entry from a row of `store.ENTRY_COLUMNS`."""
    grounds = row["grounds"]
    if isinstance(grounds, str):
        grounds = json.loads(grounds)
    return Entry(
        id=str(row["id"]),
        uscc=row["uscc"],
        enterprise_name=row["name"],
        division=row["division"],
        origin=Origin(row["origin"]),
        grounds=tuple(Ground(Rule(g["rule"]), g["detail"]) for g in grounds),
        measures=tuple(row["measures"]),
        started_at=row["started_at"],
        started_by=row["started_by"],
        reason=row["reason"],
        ended_at=row["ended_at"],
        ended_by=row["ended_by"],
        end_reason=row["end_reason"],
    )
