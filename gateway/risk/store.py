"""Storing assessments: the current one per enterprise in `risk_assessments`, and a row in
`risk_assessment_history` whenever the outcome (class, score or model) changes, so that the
history gives the assessment in force at any instant without a row per unchanged re-run.
Reads for GraphQL: assessments by code and the class counts of a population."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from strawberry.dataloader import DataLoader

from gateway.archive import Queryable
from gateway.database import Connection
from gateway.events.cursor import Position
from gateway.records import KeyArea
from gateway.risk.scoring import Scored

_INCOMING = """
CREATE TEMP TABLE risk_incoming (
    uscc text COLLATE "C" PRIMARY KEY, risk_class text, score double precision, model text,
    assessed_at timestamptz, factors text
) ON COMMIT DROP
"""

# The batch's current rows, locked in code order (as every writer locks them) before the
# merge: the merge's snapshot, taken after the lock is granted, then holds the latest
# committed row of each, so the history compares with what is really replaced.
_LOCK = """
SELECT a.uscc FROM risk_assessments a JOIN risk_incoming i ON i.uscc = a.uscc
ORDER BY a.uscc FOR UPDATE OF a
"""

# Both statements of the CTE see the table as it was: the history compares with the old row.
# A row assessed later by another process is kept (a slower batch does not overwrite it).
# Rows are written in code order, as every writer does, so concurrent writers cannot deadlock.
_MERGE = """
WITH current AS (
    INSERT INTO risk_assessments AS a (uscc, risk_class, score, model, assessed_at, factors)
    SELECT uscc, risk_class, score, model, assessed_at, factors::jsonb FROM risk_incoming
    ORDER BY uscc
    ON CONFLICT (uscc) DO UPDATE
        SET risk_class = EXCLUDED.risk_class, score = EXCLUDED.score, model = EXCLUDED.model,
            assessed_at = EXCLUDED.assessed_at, factors = EXCLUDED.factors
        WHERE a.assessed_at <= EXCLUDED.assessed_at
    RETURNING a.uscc
)
INSERT INTO risk_assessment_history (uscc, risk_class, score, model, assessed_at, factors)
SELECT i.uscc, i.risk_class, i.score, i.model, i.assessed_at, i.factors::jsonb
FROM risk_incoming i
JOIN current c ON c.uscc = i.uscc
LEFT JOIN risk_assessments o ON o.uscc = i.uscc
WHERE o.uscc IS NULL
   OR (o.risk_class, o.score, o.model) IS DISTINCT FROM (i.risk_class, i.score, i.model)
ON CONFLICT DO NOTHING
"""

_COLUMNS = ("uscc", "risk_class", "score", "model", "assessed_at", "factors")


async def save_assessments(
    conn: Connection, assessed: Sequence[Scored], at: dt.datetime
) -> None:
    """Store `assessed` as made at `at`, in the caller's transaction (COPY, then one merge)."""
    if not assessed:
        return
    await conn.execute(_INCOMING)
    await conn.copy_records_to_table(
        "risk_incoming", records=[_row(s, at) for s in assessed], columns=_COLUMNS
    )
    await conn.execute(_LOCK)
    await conn.execute(_MERGE)
    await conn.execute("DROP TABLE risk_incoming")


def _row(s: Scored, at: dt.datetime) -> tuple[Any, ...]:
    factors = [
        {"code": c.code.value, "description": c.description, "contribution": c.contribution}
        for c in s.factors
    ]
    return (s.uscc, s.risk_class, s.score, s.model, at, orjson.dumps(factors).decode())


@dataclasses.dataclass(frozen=True, slots=True)
class StoredFactor:
    code: str
    description: str
    contribution: float


@dataclasses.dataclass(frozen=True, slots=True)
class StoredAssessment:
    """An enterprise's current assessment as stored."""

    uscc: str
    risk_class: str
    score: float
    model: str
    assessed_at: dt.datetime
    factors: tuple[StoredFactor, ...]


async def load_assessments(conn: Queryable, usccs: Sequence[str]) -> dict[str, StoredAssessment]:
    """The current assessments of those of `usccs` that have one (one round trip)."""
    rows = await conn.fetch(
        "SELECT uscc, risk_class, score, model, assessed_at, factors::text AS factors "
        "FROM risk_assessments WHERE uscc = ANY($1::text[])",
        list(usccs),
    )
    return {row["uscc"]: _stored(row) for row in rows}


async def load_assessment_at(
    conn: Queryable, uscc: str, at: dt.datetime
) -> StoredAssessment | None:
    """The assessment in force at `at`: the latest one the history holds from then or before
    (its factors are empty when it was stored before the history kept them)."""
    row = await conn.fetchrow(
        "SELECT uscc, risk_class, score, model, assessed_at,"
        " coalesce(factors, '[]'::jsonb)::text AS factors FROM risk_assessment_history"
        " WHERE uscc = $1 AND assessed_at <= $2 ORDER BY assessed_at DESC LIMIT 1",
        uscc, at,
    )
    return None if row is None else _stored(row)


def risk_assessment_loader(
    conn: Queryable,
) -> DataLoader[str, StoredAssessment | None]:
    """A DataLoader of current assessments: one query for all codes a request asks about."""

    async def load(usccs: list[str]) -> list[StoredAssessment | None]:
        found = await load_assessments(conn, usccs)
        return [found.get(uscc) for uscc in usccs]

    return DataLoader(load)


def _stored(row: Any) -> StoredAssessment:
    factors = orjson.loads(row["factors"])
    return StoredAssessment(
        uscc=row["uscc"],
        risk_class=row["risk_class"],
        score=row["score"],
        model=row["model"],
        assessed_at=row["assessed_at"],
        factors=tuple(
            StoredFactor(f["code"], f["description"], f["contribution"]) for f in factors
        ),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Distribution:
    """How many enterprises of a population are in each class, and how many have none."""

    counts: dict[str, int]
    unassessed: int
    total: int


_DISTRIBUTION = """
SELECT a.risk_class, count(*) AS n
FROM enterprises e
LEFT JOIN risk_assessments a ON a.uscc = e.uscc
WHERE ($1::text IS NULL OR e.division LIKE $1 || '%')
  AND ($2::text IS NULL OR e.key_areas @> ARRAY[$2::text])
GROUP BY a.risk_class
"""


async def class_distribution(
    conn: Queryable, division_prefix: str | None, key_area: KeyArea | None
) -> Distribution:
    """Class counts of the enterprises whose division starts with `division_prefix` and that
    are tagged `key_area` (None: any)."""
    rows = await conn.fetch(
        _DISTRIBUTION, division_prefix, None if key_area is None else key_area.value
    )
    counts = dict.fromkeys(("A", "B", "C", "D"), 0)
    unassessed = 0
    for row in rows:
        if row["risk_class"] is None:
            unassessed = row["n"]
        else:
            counts[row["risk_class"]] = row["n"]
    return Distribution(counts, unassessed, unassessed + sum(counts.values()))



async def skip_past(conn: Connection, position: Position) -> None:
    """Move the change-feed follower's position (gateway.risk.follow) to `position` unless it
    is already further: changes before it need no reassessment (a full recompute started
    after them)."""
    await conn.execute(
        "UPDATE risk_feed_position SET xid = $1::text::xid8, seq = $2"
        " WHERE (xid, seq) < ($1::text::xid8, $2)", str(position.xid), position.seq)
