"""Reads of enterprise credit profiles: every current record of a code, with provenance.

A profile is read in one SQL round trip whatever its record count: PostgreSQL aggregates the
records of each code into one JSON document, which is decoded once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic

import orjson

from gateway.archive import Queryable
from gateway.archive.codes import PerCodeQuery
from gateway.records import (
    Commitment,
    Inspection,
    KeyArea,
    License,
    Listing,
    ListKind,
    Penalty,
    R,
    Record,
    RecordKind,
    Registration,
    enum_of_value,
    from_payload,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: the producing source and its own identifier there."""

    source: str
    department: str
    record_id: str
    source_updated_at: dt.datetime | None
    received_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class Stored(Generic[R]):
    """A record as the archive keeps it: `id` is the archive's own key (records.id)."""

    id: str
    record: R
    provenance: Provenance


@dataclasses.dataclass(frozen=True, slots=True)
class Profile:
    """Everything the archive knows about one enterprise; lists are newest first."""

    registration: Stored[Registration]
    licenses: tuple[Stored[License], ...]
    penalties: tuple[Stored[Penalty], ...]
    inspections: tuple[Stored[Inspection], ...]
    listings: tuple[Stored[Listing], ...]
    commitments: tuple[Stored[Commitment], ...]
    key_areas: tuple[KeyArea, ...]
    repairs: Mapping[str, dt.date] = dataclasses.field(default_factory=dict)
    """Approved, unrevoked credit repairs: record id → the day the approval took effect."""
    restarts: Mapping[str, dt.date] = dataclasses.field(default_factory=dict)
    """Repairs revoked for fraud: record id → the day its period restarted (gateway.repair)."""

    @property
    def uscc(self) -> str:
        return self.registration.record.uscc

    def active_listings(self, kind: ListKind, on: dt.date) -> tuple[Stored[Listing], ...]:
        """The entries on list `kind` that are in force on day `on`."""
        return tuple(s for s in self.listings if s.record.kind is kind
                     and listing_active(s.record, on))


def listing_active(listing: Listing, on: dt.date) -> bool:
    """Whether a list entry is in force on day `on`: not removed and not yet expired."""
    if listing.removed_on is not None:
        return False
    return listing.expires_on is None or listing.expires_on > on


# Each element of `records`: [id, kind, source, department, record_id, source_updated_at,
# received_at, payload]. The JSON text is decoded here, not by a connection codec, so any
# connection works. Each element of `repairs`: [record id, decided_on, revoked_on or null].
# `{more}` marks where `current_profiles_with` adds columns.
_CURRENT_TEMPLATE = """
SELECT u.uscc{more},
       (SELECT e.key_areas FROM enterprises e WHERE e.uscc = u.uscc) AS key_areas,
       (SELECT json_agg(json_build_array(c.target_pk::text, c.decided_on, c.revoked_on))
        FROM credit_repairs c
        WHERE c.uscc = u.uscc AND c.status IN ('APPROVED', 'REVOKED'))::text AS repairs,
       (SELECT json_agg(json_build_array(r.id::text, r.kind, r.source, r.department, r.record_id,
                                         r.source_updated_at, r.received_at, r.payload))
        FROM records r WHERE r.uscc = u.uscc)::text AS records
FROM {codes}
"""
_CURRENT = PerCodeQuery.of(_CURRENT_TEMPLATE.replace("{more}", ""))


def current_profiles_with(columns: str) -> PerCodeQuery:
    """The query of `load_profiles` with more columns per code, so that a caller needing more
    about the same codes reads it in the same round trip. `columns` is SQL of this program
    (never of a request) that may use `u.uscc` and parameters from $2; `profiles_of` reads
    the profiles from its rows."""
    return PerCodeQuery.of(_CURRENT_TEMPLATE.replace("{more}", ", " + columns))


# As of an instant: per record, the latest version received by then. A record whose code
# changed belongs to the code of that version, hence the outer filter on v.uscc.
_AS_OF = PerCodeQuery.of("""
SELECT u.uscc,
       (SELECT array_agg(DISTINCT t.key_area ORDER BY t.key_area) FROM (
            SELECT DISTINCT ON (c.key_area, c.origin) c.key_area, c.change
            FROM key_area_tag_changes c
            WHERE c.uscc = u.uscc AND c.changed_at <= $2
            ORDER BY c.key_area, c.origin, c.changed_at DESC, c.id DESC
        ) AS t WHERE t.change = 'ADDED') AS key_areas,
       (SELECT json_agg(json_build_array(c.target_pk::text, c.decided_on,
                                         CASE WHEN c.revoked_at <= $2 THEN c.revoked_on END))
        FROM credit_repairs c
        WHERE c.uscc = u.uscc AND c.status IN ('APPROVED', 'REVOKED')
          AND c.decided_at <= $2)::text AS repairs,
       (SELECT json_agg(json_build_array(r.id::text, r.kind, r.source, r.department, r.record_id,
                                         v.source_updated_at, v.received_at, v.payload))
        FROM (SELECT DISTINCT ON (x.record_pk) x.*
              FROM record_versions x
              WHERE x.received_at <= $2
                AND x.record_pk IN (SELECT y.record_pk FROM record_versions y
                                    WHERE y.uscc = u.uscc AND y.received_at <= $2)
              ORDER BY x.record_pk, x.version DESC) AS v
        JOIN records r ON r.id = v.record_pk
        WHERE v.uscc = u.uscc)::text AS records
FROM {codes}
""")


async def load_profile(
    conn: Queryable,
    uscc: str,
    *,
    as_of: dt.datetime | None = None,
) -> Profile | None:
    """The profile of `uscc` (current, or as the archive stood at `as_of`); None when no
    registration record of the code exists."""
    return (await load_profiles(conn, [uscc], as_of=as_of)).get(uscc)


async def load_profiles(
    conn: Queryable,
    usccs: Sequence[str],
    *,
    as_of: dt.datetime | None = None,
) -> dict[str, Profile]:
    """The profiles of several codes in one round trip; codes without one are left out."""
    if not usccs:
        return {}
    if as_of is None:
        rows = await _CURRENT.fetch(conn, usccs)
    else:
        if as_of.tzinfo is None:
            raise ValueError("as_of must carry a time zone")
        rows = await _AS_OF.fetch(conn, usccs, as_of)
    return profiles_of(rows)


def profiles_of(rows: Iterable[Mapping[str, Any]]) -> dict[str, Profile]:
    """The profiles in rows of the profile queries, by code; codes without one left out."""
    profiles: dict[str, Profile] = {}
    for row in rows:
        profile = _build_profile(row["key_areas"], row["records"])
        if profile is not None:
            profiles[row["uscc"]] = with_repairs(profile, row["repairs"])
    return profiles


def _build_profile(key_areas: list[str] | None, records_json: str | None) -> Profile | None:
    """Assemble a profile from the aggregated JSON; None without a registration record."""
    if records_json is None:
        return None
    return assemble_profile(key_areas, [_stored(item) for item in orjson.loads(records_json)])


def with_repairs(profile: Profile, repairs_json: str | None) -> Profile:
    """The profile with its repairs: approved ones stand, revoked ones restart a period."""
    if repairs_json is None:
        return profile
    repairs: dict[str, dt.date] = {}
    restarts: dict[str, dt.date] = {}
    for record_id, decided_on, revoked_on in orjson.loads(repairs_json):
        if revoked_on is None:
            repairs[record_id] = dt.date.fromisoformat(decided_on)
        else:
            day = dt.date.fromisoformat(revoked_on)
            restarts[record_id] = max(day, restarts.get(record_id, day))
    return dataclasses.replace(profile, repairs=repairs, restarts=restarts)


_KINDS = tuple(RecordKind)
_record_kind = enum_of_value(RecordKind)
_key_area = enum_of_value(KeyArea)


def assemble_profile(
    key_areas: Sequence[str] | None, stored: Iterable[Stored[Any]]
) -> Profile | None:
    """A profile of these records (of one code); None without a registration record."""
    by_kind: dict[RecordKind, list[Stored[Any]]] = {kind: [] for kind in _KINDS}
    for item in stored:
        by_kind[item.record.KIND].append(item)
    registrations = by_kind[RecordKind.REGISTRATION]
    if not registrations:
        return None
    return Profile(
        registration=max(registrations, key=_received_then_id),
        licenses=_newest_first(by_kind[RecordKind.LICENSE], _license_date),
        penalties=_newest_first(by_kind[RecordKind.PENALTY], lambda p: p.decided_on),
        inspections=_newest_first(by_kind[RecordKind.INSPECTION], lambda i: i.inspected_on),
        listings=_newest_first(by_kind[RecordKind.LISTING], lambda x: x.listed_on),
        commitments=_newest_first(by_kind[RecordKind.COMMITMENT], lambda c: c.committed_on),
        key_areas=tuple(_key_area(k) for k in key_areas or ()),
    )


def stored_record(item: list[Any]) -> Stored[Any]:
    """One element of the aggregated JSON (see _CURRENT) as a stored record."""
    return _stored(item)


def _stored(item: list[Any]) -> Stored[Any]:
    record_pk, kind, source, department, record_id, updated_at, received_at, payload = item
    record: Record = from_payload(_record_kind(kind), payload)
    provenance = Provenance(
        source=source,
        department=department,
        record_id=record_id,
        source_updated_at=None if updated_at is None else dt.datetime.fromisoformat(updated_at),
        received_at=dt.datetime.fromisoformat(received_at),
    )
    return Stored(id=record_pk, record=record, provenance=provenance)


def _received_then_id(stored: Stored[Any]) -> tuple[dt.datetime, int]:
    return stored.provenance.received_at, int(stored.id)


def _license_date(licence: License) -> dt.date | None:
    return licence.issued_on or licence.valid_from


def _newest_first(
    items: Iterable[Stored[R]], date_of: Callable[[R], dt.date | None]
) -> tuple[Stored[R], ...]:
    """Sort by the record's date, newest first (undated last), then by archive id, newest
    first, so the order never depends on how PostgreSQL returned the rows."""

    def key(stored: Stored[R]) -> tuple[bool, dt.date, int]:
        day = date_of(stored.record)
        return day is not None, day or dt.date.min, int(stored.id)

    return tuple(sorted(items, key=key, reverse=True))
