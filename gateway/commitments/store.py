"""SQL of commitments recorded here: the write of a commitment as a record of the gateway's
own source, who submitted it, and its checks with their evidence.

The write goes through the archive's write path (`gateway.archive.store.write_records`), so a
check is a new version of the commitment's record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Collection

from gateway.archive import Queryable
from gateway.archive.own import write_own_record
from gateway.archive.profile import Stored
from gateway.commitments.rules import CheckOutcome
from gateway.database import Connection
from gateway.records import Commitment

FEED = "commitments"


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    """Who asks: the client (None when unknown) and whether it is an association."""

    client_id: str | None
    association: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    """A recorded check of commitment `record_pk`."""

    record_pk: str
    outcome: CheckOutcome
    checked_on: dt.date
    evidence: str
    checked_by: str | None
    by_association: bool
    recorded_at: dt.datetime


def new_record_id() -> str:
    """The gateway source's identifier of a new commitment."""
    return f"commitment-{uuid.uuid4()}"


async def commitment_enterprise(conn: Queryable, record_pk: int) -> str | None:
    """The code of commitment `record_pk`; None when there is no such commitment."""
    uscc: str | None = await conn.fetchval(
        "SELECT uscc FROM records WHERE id = $1 AND kind = 'COMMITMENT'", record_pk
    )
    return uscc


async def write_commitment(
    conn: Connection, department: str, commitment: Commitment, record_id: str, now: dt.datetime
) -> Stored[Commitment]:
    """Write `commitment` as (a new version of) record `record_id` of the gateway's source.

    Run inside the caller's transaction."""
    return await write_own_record(conn, department, commitment, FEED, record_id, now)


async def save_submission(
    conn: Connection, written: Stored[Commitment], actor: Actor, now: dt.datetime
) -> None:
    await conn.execute(
        "INSERT INTO commitment_submissions (record_pk, submitted_by, by_association,"
        " submitted_at) VALUES ($1, $2, $3, $4)",
        int(written.id), actor.client_id, actor.association, now,
    )


async def save_check(conn: Connection, check: Check) -> None:
    await conn.execute(
        """
        INSERT INTO commitment_checks (record_pk, outcome, checked_on, evidence, checked_by,
                                       by_association, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        int(check.record_pk), check.outcome.value, check.checked_on, check.evidence,
        check.checked_by, check.by_association, check.recorded_at,
    )


async def checks_of(conn: Queryable, record_pks: Collection[str]) -> dict[str, Check]:
    """The checks of these commitments, by commitment id (those never checked left out)."""
    rows = await conn.fetch(
        """
        SELECT record_pk::text, outcome, checked_on, evidence, checked_by, by_association,
               recorded_at
        FROM commitment_checks WHERE record_pk = ANY($1::bigint[])
        """,
        [int(pk) for pk in record_pks],
    )
    return {
        r["record_pk"]: Check(
            r["record_pk"], CheckOutcome(r["outcome"]), r["checked_on"], r["evidence"],
            r["checked_by"], r["by_association"], r["recorded_at"],
        )
        for r in rows
    }
