"""Records the gateway itself decides or records: list decisions, commitments and their
checks, inspection results. They are written through the archive's write path as records of
the gateway's own source, so they get versions, provenance, the change feed, profiles and
verification like any department's record."""

from __future__ import annotations

import datetime as dt

from adapters.mapping import Mapped
from gateway.archive import store as archive
from gateway.archive.profile import Provenance, Stored
from gateway.archive.status import GATEWAY_KIND
from gateway.database import Connection
from gateway.records import R

OWN_SOURCE = "supervision"
"""The gateway's own source: what the bureau's staff decide and record through it."""


async def write_own_record(
    conn: Connection,
    department: str,
    record: R,
    feed: str,
    record_id: str,
    now: dt.datetime,
    *,
    must_change: bool = True,
) -> Stored[R]:
    """Write `record` as (a new version of) record `record_id` of feed `feed` of the gateway's
    source, in the caller's transaction. `must_change`: a write that changes nothing is an
    error (a decision always changes its record)."""
    await archive.register_source(conn, OWN_SOURCE, department, GATEWAY_KIND)
    # No source_updated_at: the decision's instant is its received_at, and the write path's
    # guard against older source versions must not weigh clocks of two gateway processes.
    mapped = Mapped(record.KIND, record_id, record, None)
    result = await archive.write_records(
        conn, OWN_SOURCE, department, [archive.prepare(mapped, feed)], now
    )
    if must_change and result.inserted + result.updated != 1:
        raise RuntimeError(f"{feed} record {record_id} was not written")
    await archive.save_progress(conn, OWN_SOURCE, None, result)
    record_pk: int = await conn.fetchval(
        "SELECT id FROM records WHERE source = $1 AND feed = $2 AND record_id = $3",
        OWN_SOURCE, feed, record_id,
    )
    provenance = Provenance(OWN_SOURCE, department, record_id, None, now)
    return Stored(id=str(record_pk), record=record, provenance=provenance)
