"""SQL of credit repairs: applications by enterprise and by id, their writes, and the
supervisors' page of applications (by status, overdue, newest first)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from gateway.archive import Queryable, cursors
from gateway.repair.model import Repair, RepairRefused, RepairStatus, RepairTarget


def _repair(row: Any) -> Repair:
    values = dict(row)
    values["target_id"] = str(values.pop("target_pk"))
    values["target_kind"] = RepairTarget(values["target_kind"])
    values["status"] = RepairStatus(values["status"])
    values["proof_refs"] = tuple(values["proof_refs"])
    return Repair(**values)


async def repairs_of(conn: Queryable, uscc: str) -> list[Repair]:
    """Every application of the enterprise, oldest first."""
    rows = await conn.fetch(
        "SELECT * FROM credit_repairs WHERE uscc = $1 ORDER BY applied_at, id", uscc
    )
    return [_repair(r) for r in rows]


async def repair_by_id(conn: Queryable, repair_id: uuid.UUID) -> Repair | None:
    row = await conn.fetchrow("SELECT * FROM credit_repairs WHERE id = $1", repair_id)
    return None if row is None else _repair(row)


async def record_enterprise(conn: Queryable, record_pk: int) -> str | None:
    """The code of archive record `record_pk`; None when there is no such record."""
    uscc: str | None = await conn.fetchval("SELECT uscc FROM records WHERE id = $1", record_pk)
    return uscc


async def insert(conn: Queryable, repair: Repair) -> None:
    await conn.execute(
        """
        INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,
                                    proof_refs, applied_at, accept_due, applied_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """,
        repair.id, repair.uscc, int(repair.target_id), repair.target_kind.value,
        repair.status.value, repair.commitment_text, list(repair.proof_refs),
        repair.applied_at, repair.accept_due, repair.applied_by,
    )


async def update(conn: Queryable, repair: Repair) -> None:
    """Write the procedure's fields of `repair` (its application fields never change)."""
    await conn.execute(
        """
        UPDATE credit_repairs
        SET status = $2, accepted_at = $3, accepted_by = $4, decide_due = $5, complex = $6,
            decided_at = $7, decided_on = $8, decided_by = $9, decision_reason = $10,
            update_due = $11, revoked_at = $12, revoked_on = $13, revoked_by = $14,
            revocation_reason = $15
        WHERE id = $1
        """,
        repair.id, repair.status.value, repair.accepted_at, repair.accepted_by,
        repair.decide_due, repair.complex, repair.decided_at, repair.decided_on,
        repair.decided_by, repair.decision_reason, repair.update_due, repair.revoked_at,
        repair.revoked_on, repair.revoked_by, repair.revocation_reason,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class RepairPage:
    repairs: tuple[Repair, ...]
    has_next_page: bool
    end_cursor: str | None


MAX_FIRST = 100


def encode_cursor(repair: Repair) -> str:
    return cursors.encode({"a": repair.applied_at.isoformat(), "r": str(repair.id)})


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    key = cursors.decode(cursor)
    try:
        if key is None or set(key) != {"a", "r"}:
            raise ValueError("not a key of this list")
        applied_at = dt.datetime.fromisoformat(key["a"])
        if applied_at.tzinfo is None:
            raise ValueError("no time zone")
        return applied_at, uuid.UUID(key["r"])
    except (ValueError, TypeError, AttributeError):
        raise RepairRefused("after: not a cursor of this list (use a pageInfo.endCursor)") from None


async def repair_page(
    conn: Queryable,
    *,
    status: RepairStatus | None,
    overdue: bool | None,
    today: dt.date,
    uscc: str | None = None,
    first: int,
    after: str | None,
) -> RepairPage:
    """Applications newest first; with `overdue`, only those whose next step is (true) or is
    not (false) overdue on `today`: APPLIED past accept_due, ACCEPTED past decide_due."""
    if not 1 <= first <= MAX_FIRST:
        raise RepairRefused(f"first: expected 1 to {MAX_FIRST}, got {first}")
    start = decode_cursor(after) if after is not None else None
    rows = await conn.fetch(
        """
        SELECT * FROM credit_repairs
        WHERE ($1::text IS NULL OR status = $1)
          AND ($6::boolean IS NULL OR ((status = 'APPLIED' AND accept_due < $2)
                                       OR (status = 'ACCEPTED' AND decide_due < $2)) = $6)
          AND ($7::text IS NULL OR uscc = $7)
          AND ($3::timestamptz IS NULL OR (applied_at, id) < ($3, $4::uuid))
        ORDER BY applied_at DESC, id DESC
        LIMIT $5
        """,
        None if status is None else status.value, today,
        None if start is None else start[0], None if start is None else start[1], first + 1,
        overdue, uscc,
    )
    repairs = tuple(_repair(r) for r in rows[:first])
    more = len(rows) > first
    return RepairPage(repairs, more, encode_cursor(repairs[-1]) if repairs else None)
