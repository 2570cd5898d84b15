"""SQL of list decisions: the lock that serialises decisions about one enterprise, the bases of
serious listings, and the write of a decision as a record of the gateway's own source.

A decision goes through the archive's write path (`gateway.archive.store.write_records`), so
it gets versions like any record: a removal is a new version of the entry's record.
"""

from __future__ import annotations

import datetime as dt
import uuid

from gateway.archive import Queryable
from gateway.archive.own import write_own_record
from gateway.archive.profile import Stored
from gateway.archive.status import GATEWAY_KIND
from gateway.database import Connection
from gateway.lists.decisions import SeriousBasis
from gateway.records import Listing

FEED = "lists"
SOURCE_KIND = GATEWAY_KIND
"""The `sources.kind` of the gateway's own source: nothing to sync, always current."""

_LOCK_PREFIX = "credit-gateway lists "


def new_record_id() -> str:
    """The source's identifier of a new entry."""
    return f"list-{uuid.uuid4()}"


async def lock_enterprise(conn: Connection, uscc: str) -> None:
    """Hold the enterprise's decision lock until the transaction ends, so that the checks of a
    decision and its write see no other decision in between."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _LOCK_PREFIX + uscc)


async def entry_enterprise(conn: Queryable, record_pk: int) -> str | None:
    """The code of list entry `record_pk`; None when there is no such entry."""
    uscc: str | None = await conn.fetchval(
        "SELECT uscc FROM records WHERE id = $1 AND kind = 'LISTING'", record_pk
    )
    return uscc


async def serious_bases(conn: Queryable, uscc: str) -> dict[str, SeriousBasis]:
    """The bases of the enterprise's serious listings decided here, by entry id."""
    rows = await conn.fetch(
        """
        SELECT b.record_pk, b.penalty_pk, b.restriction_ends_on
        FROM serious_listing_bases b JOIN records r ON r.id = b.record_pk
        WHERE r.uscc = $1
        """,
        uscc,
    )
    return {
        str(r["record_pk"]): SeriousBasis(str(r["penalty_pk"]), r["restriction_ends_on"])
        for r in rows
    }


async def save_basis(conn: Connection, entry: Stored[Listing], basis: SeriousBasis) -> None:
    await conn.execute(
        "INSERT INTO serious_listing_bases (record_pk, penalty_pk, restriction_ends_on)"
        " VALUES ($1, $2, $3)",
        int(entry.id),
        int(basis.penalty_id),
        basis.restriction_ends_on,
    )


async def write_entry(
    conn: Connection, department: str, listing: Listing, record_id: str, now: dt.datetime
) -> Stored[Listing]:
    """Write `listing` as (a new version of) record `record_id` of the gateway's source.

    Run inside the caller's transaction."""
    return await write_own_record(conn, department, listing, FEED, record_id, now)
