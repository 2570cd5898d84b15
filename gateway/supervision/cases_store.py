"""SQL of typical cases: marking, unmarking and the current cases in pages of ids."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from gateway.archive import Queryable
from gateway.database import Connection


@dataclasses.dataclass(frozen=True, slots=True)
class CaseRow:
    """A current case as stored: the penalty's archive id and its enterprise's code."""

    id: int
    penalty_id: str
    uscc: str
    title: str
    summary: str
    marked_at: dt.datetime


async def penalty_enterprise(conn: Queryable, penalty_pk: int) -> str | None:
    """The code of penalty `penalty_pk`; None when there is no such penalty."""
    uscc: str | None = await conn.fetchval(
        "SELECT uscc FROM records WHERE id = $1 AND kind = 'PENALTY'", penalty_pk
    )
    return uscc


async def lock_penalty(conn: Connection, penalty_pk: int) -> None:
    """Serialise decisions about one penalty's case until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                       f"credit-gateway typical case {penalty_pk}")


async def current_case(conn: Queryable, penalty_pk: int) -> CaseRow | None:
    row = await conn.fetchrow(_CASES + " AND c.penalty_pk = $1", penalty_pk)
    return None if row is None else _case(row)


async def mark(
    conn: Connection, penalty_pk: int, title: str, summary: str, actor: str | None,
    now: dt.datetime,
) -> CaseRow:
    await conn.execute(
        "INSERT INTO typical_cases (penalty_pk, title, summary, marked_at, marked_by)"
        " VALUES ($1, $2, $3, $4, $5)",
        penalty_pk, title, summary, now, actor,
    )
    found = await current_case(conn, penalty_pk)
    assert found is not None
    return found


async def unmark(conn: Connection, case_id: int, actor: str | None, now: dt.datetime) -> None:
    await conn.execute(
        "UPDATE typical_cases SET unmarked_at = $2, unmarked_by = $3"
        " WHERE id = $1 AND unmarked_at IS NULL",
        case_id, now, actor,
    )


_CASES = """
SELECT c.id, c.penalty_pk, r.uscc, c.title, c.summary, c.marked_at
FROM typical_cases c JOIN records r ON r.id = c.penalty_pk
WHERE c.unmarked_at IS NULL AND r.kind = 'PENALTY'
"""


async def cases_before(conn: Queryable, before: int | None, limit: int) -> list[CaseRow]:
    """Up to `limit` current cases with ids below `before` (all when None), newest first."""
    if before is None:
        rows = await conn.fetch(_CASES + " ORDER BY c.id DESC LIMIT $1", limit)
    else:
        rows = await conn.fetch(_CASES + " AND c.id < $1 ORDER BY c.id DESC LIMIT $2",
                                before, limit)
    return [_case(r) for r in rows]


def _case(row: Any) -> CaseRow:
    return CaseRow(
        id=row["id"],
        penalty_id=str(row["penalty_pk"]),
        uscc=row["uscc"],
        title=row["title"],
        summary=row["summary"],
        marked_at=row["marked_at"],
    )
