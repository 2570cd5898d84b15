"""Profiles as they held in the world at an instant, by the best knowledge now.

`load_profiles(as_of=…)` answers what the archive knew at an instant (the time each version
was received). A verification as of a past instant asks something else: what held then. Most
records carry the dates that answer it (decided, listed, removed, expires, committed,
checked), so they are taken in their latest version and the rules judge by those dates: a
removal decided before the instant but learnt after it still counts. The registration
carries no date for its status or name, so it is taken in the latest version its source had
updated by the instant (the update time; the time received when the source gives none); if
the archive first heard of the enterprise later but it was established by then, in its first
version, so that an enterprise does not look unknown for the years before its last change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson

from gateway.archive import Queryable
from gateway.archive.profile import (
    Profile,
    Stored,
    assemble_profile,
    stored_record,
    with_repairs,
)
from gateway.records import Record, RecordKind
from gateway.rules.calendar import local_date

# Every version of every record that ever belonged to the codes, oldest first per record:
# [id, kind, source, department, record_id, source_updated_at, received_at, payload, uscc].
# With them, every credit repair of the code known now (the rules judge by its dates).
_VERSIONS = """
SELECT v.uscc,
       json_agg(json_build_array(r.id::text, r.kind, r.source, r.department, r.record_id,
                                 v.source_updated_at, v.received_at, v.payload, v.uscc)
                ORDER BY v.record_pk, v.version)::text AS versions,
       (SELECT json_agg(json_build_array(c.target_pk::text, c.decided_on, c.revoked_on))
        FROM credit_repairs c
        WHERE c.uscc = v.uscc AND c.status IN ('APPROVED', 'REVOKED'))::text AS repairs
FROM record_versions v JOIN records r ON r.id = v.record_pk
WHERE v.uscc = ANY($1::text[])
GROUP BY v.uscc
"""


async def load_profiles_valid_at(
    conn: Queryable, usccs: Sequence[str], at: dt.datetime
) -> dict[str, Profile]:
    """The profiles of the codes as they held at `at` (one round trip); codes without a
    registration then are left out."""
    if at.tzinfo is None:
        raise ValueError("the instant must carry a time zone")
    rows = await conn.fetch(_VERSIONS, list(usccs))
    found: dict[str, Profile] = {}
    for row in rows:
        chosen = _holding_at(orjson.loads(row["versions"]), at)
        profile = assemble_profile((), chosen)
        if profile is not None:
            found[row["uscc"]] = with_repairs(profile, row["repairs"])
    return found


def _holding_at(items: list[list[Any]], at: dt.datetime) -> list[Stored[Any]]:
    """Per record (items are grouped by record, oldest version first), the version to judge."""
    by_record: dict[str, list[Stored[Any]]] = {}
    for item in items:
        by_record.setdefault(item[0], []).append(stored_record(item[:8]))
    chosen = []
    for versions in by_record.values():
        if versions[-1].record.KIND is not RecordKind.REGISTRATION:
            chosen.append(versions[-1])
            continue
        known = [v for v in versions if _updated(v) <= at]
        if known:
            chosen.append(known[-1])
        elif _began_by(versions[0].record, at):
            chosen.append(versions[0])
    return chosen


def _updated(stored: Stored[Any]) -> dt.datetime:
    p = stored.provenance
    return p.source_updated_at or p.received_at


def _began_by(record: Record, at: dt.datetime) -> bool:
    """Whether an enterprise was established by `at` (Asia/Shanghai days)."""
    established = getattr(record, "established_on", None)
    return isinstance(established, dt.date) and established <= local_date(at)
