"""Reading risk indicators from the archive in bulk: one set-based statement aggregates the
records of a whole batch of enterprises as of a day; Python only decides penalty tiers (with
the rules of gateway.rules.severity) and packs the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from gateway.archive import Queryable
from gateway.database import Connection
from gateway.lists import in_force
from gateway.records import (
    EnterpriseStatus,
    KeyArea,
    Penalty,
    RecordKind,
    from_payload,
)
from gateway.risk.indicators import RECENT_YEARS, Indicators
from gateway.rules.ruleset import DEFAULT_RULES, NEGATIVE_INSPECTION_RESULTS, RuleBook, RuleSet
from gateway.rules.severity import Severity, assess_under

_DAY = "$2::text::date"

# $1 codes, $2 the day (ISO text: payload dates compare as text), $3 first day of the recent
# window, $4 negative inspection results. A status other than operating counts only when the
# registration last changed by the day (back-testing must not see a later revocation). A list
# entry is in force by the rules the publicity applies (gateway.lists.in_force): an approved
# repair lifts it, a repair revoked for fraud restarts a serious entry's term.
_INDICATORS = f"""
WITH batch AS MATERIALIZED (
    SELECT e.uscc, e.status, e.key_areas, r.payload->>'established_on' AS established_on,
           r.payload->>'legal_representative_id_number' AS representative,
           (r.source_updated_at AT TIME ZONE 'Asia/Shanghai')::date AS changed_on
    FROM unnest($1::text[]) AS u(uscc)
    JOIN enterprises e ON e.uscc = u.uscc
    JOIN records r ON r.id = e.registration_pk
), dated AS (
    SELECT b.uscc, r.kind, r.payload AS p,
           CASE r.kind WHEN 'LISTING' THEN r.payload->>'listed_on' IS NOT NULL
                AND r.payload->>'listed_on' <= $2
                AND coalesce(r.payload->>'removed_on' > $2, true)
                AND {in_force.not_expired("r", _DAY)}
                AND {in_force.not_lifted("r", _DAY)} END AS active,
           CASE r.kind WHEN 'LICENSE' THEN coalesce(r.payload->>'issued_on',
                r.payload->>'valid_from', '') <= $2 END AS issued
    FROM batch b
    -- OFFSET 0 keeps a lookup per code by index, whatever the statistics say (a planner
    -- without them scans all records for every batch).
    CROSS JOIN LATERAL (
        SELECT x.id, x.kind, x.payload FROM records x
        WHERE x.uscc = b.uscc AND x.kind <> 'REGISTRATION' OFFSET 0
    ) r
), facts AS (
    SELECT d.uscc,
      count(*) FILTER (WHERE d.active AND d.p->>'kind' = 'ABNORMAL_OPERATIONS') AS abnormal,
      count(*) FILTER (WHERE d.active AND d.p->>'kind' = 'SERIOUS_DISHONESTY') AS serious,
      count(*) FILTER (WHERE d.kind = 'LISTING' AND NOT d.active
                         AND d.p->>'listed_on' <= $2) AS past_listings,
      array_agg(coalesce(d.p->>'penalty_number', d.p->>'decision_number'))
        FILTER (WHERE d.active AND d.p->>'kind' = 'SERIOUS_DISHONESTY') AS serious_bases,
      json_agg(d.p) FILTER (WHERE d.kind = 'PENALTY' AND d.p->>'decided_on' <= $2) AS penalties,
      count(*) FILTER (WHERE d.kind = 'INSPECTION' AND d.p->>'inspected_on' <= $2
                         AND d.p->>'inspected_on' >= $3 AND d.p->>'result' = ANY($4::text[])
                         AND d.p->>'result' <> 'SAMPLE_UNQUALIFIED') AS negative,
      count(*) FILTER (WHERE d.kind = 'INSPECTION' AND d.p->>'inspected_on' <= $2
                         AND d.p->>'inspected_on' >= $3
                         AND d.p->>'result' = 'SAMPLE_UNQUALIFIED') AS unqualified,
      count(*) FILTER (WHERE d.kind = 'INSPECTION' AND d.p->>'inspected_on' <= $2
                         AND d.p->>'inspected_on' >= $3
                         AND d.p->>'result' IN ('NO_PROBLEM', 'SAMPLE_QUALIFIED')) AS clean,
      count(*) FILTER (WHERE d.kind = 'INSPECTION' AND d.p->>'inspected_on' <= $2
                         AND d.p->>'inspected_on' >= $3
                         AND d.p->>'kind' = 'TARGETED') AS targeted,
      count(*) FILTER (WHERE d.issued AND (
                         (d.p->>'status' = 'VALID' AND coalesce(d.p->>'valid_until' >= $2, true))
                         OR (d.p->>'status' = 'EXPIRED' AND d.p->>'valid_until' >= $2)))
        AS licences_in_force,
      count(*) FILTER (WHERE d.issued AND (
                         (d.p->>'status' = 'VALID' AND d.p->>'valid_until' < $2)
                         OR (d.p->>'status' = 'EXPIRED'
                             AND coalesce(d.p->>'valid_until' < $2, true))))
        AS licences_expired,
      count(*) FILTER (WHERE d.issued AND d.p->>'status' IN ('REVOKED', 'SUSPENDED'))
        AS licences_revoked,
      count(*) FILTER (WHERE d.kind = 'COMMITMENT' AND d.p->>'status' = 'BREACHED'
                         AND coalesce(d.p->>'checked_on', d.p->>'committed_on') <= $2)
        AS breached
    FROM dated d
    GROUP BY d.uscc
)
-- Related parties: a lookup per enterprise by the representative's identity number (indexed).
SELECT b.uscc, b.status, b.key_areas, b.established_on, b.changed_on,
       f.abnormal, f.serious, f.past_listings, f.serious_bases, f.penalties::text AS penalties,
       f.negative, f.unqualified, f.clean, f.targeted, f.licences_in_force, f.licences_expired,
       f.licences_revoked, f.breached,
       CASE WHEN b.representative IS NOT NULL THEN (
           SELECT count(DISTINCT o.uscc)
           FROM records o JOIN enterprises oe ON oe.uscc = o.uscc AND oe.registration_pk = o.id
           WHERE o.kind = 'REGISTRATION'
             AND o.payload->>'legal_representative_id_number' = b.representative
             AND o.uscc <> b.uscc
             AND ((oe.status = 'REVOKED'
                   AND coalesce((o.source_updated_at AT TIME ZONE 'Asia/Shanghai')::date::text
                                <= $2, true))
                  OR EXISTS (SELECT 1 FROM records l
                             WHERE l.uscc = o.uscc AND l.kind = 'LISTING'
                               AND l.payload->>'listed_on' <= $2
                               AND coalesce(l.payload->>'removed_on' > $2, true)
                               AND {in_force.not_expired("l", _DAY)}
                               AND {in_force.not_lifted("l", _DAY)}))
       ) END AS related
FROM batch b
LEFT JOIN facts f ON f.uscc = b.uscc
ORDER BY b.uscc
"""  # noqa: S608 (built from constants; values are parameters)

_NEGATIVE = sorted(r.value for r in NEGATIVE_INSPECTION_RESULTS)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


async def load_indicators(
    conn: Connection, usccs: Sequence[str], day: dt.date, rules: RuleBook = DEFAULT_RULES
) -> list[Indicators]:
    """The indicators of the registered enterprises among `usccs` as of `day` (records dated
    that day or earlier), ordered by code; codes without a registration are left out."""
    if not usccs:
        return []
    recent_from = years_before(day, RECENT_YEARS) + dt.timedelta(days=1)
    async with conn.transaction():
        # Compiling this statement costs seconds and saves nothing: it reads by index.
        await conn.execute("SET LOCAL jit = off")
        rows = await conn.fetch(
            _INDICATORS, list(usccs), day.isoformat(), recent_from.isoformat(), _NEGATIVE
        )
    rule_set = rules.in_force(day)
    return [_indicators(row, day, recent_from, rule_set) for row in rows]


def _indicators(
    row: asyncpg.Record, day: dt.date, recent_from: dt.date, rule_set: RuleSet
) -> Indicators:
    tiers = _penalty_tiers(row["penalties"], frozenset(row["serious_bases"] or ()), recent_from,
                           rule_set)
    status = EnterpriseStatus(row["status"])
    changed_on = row["changed_on"]
    if changed_on is not None and changed_on > day:
        status = EnterpriseStatus.OPERATING  # the status it has now was not known on the day
    established = row["established_on"]
    operating = status is EnterpriseStatus.OPERATING
    return Indicators(
        uscc=row["uscc"],
        as_of=day,
        key_areas=tuple(KeyArea(k) for k in row["key_areas"] if k in KeyArea.__members__),
        status=status,
        established_on=dt.date.fromisoformat(established) if established else None,
        serious_penalties=tiers[Severity.SERIOUS],
        general_penalties=tiers[Severity.GENERAL],
        minor_penalties=tiers[Severity.MINOR],
        old_penalties=tiers[None],
        abnormal_listings=_int(row, "abnormal"),
        serious_listings=_int(row, "serious"),
        past_listings=_int(row, "past_listings"),
        negative_inspections=_int(row, "negative"),
        unqualified_samples=_int(row, "unqualified"),
        clean_inspections=_int(row, "clean"),
        targeted_inspections=_int(row, "targeted"),
        licence_lapsed=operating and _int(row, "licences_expired") > 0
        and _int(row, "licences_in_force") == 0,
        revoked_licences=_int(row, "licences_revoked"),
        breached_commitments=_int(row, "breached"),
        related_parties=_int(row, "related"),
    )


def _int(row: asyncpg.Record, name: str) -> int:
    value: int | None = row[name]
    return value or 0


def _penalty_tiers(
    penalties_json: str | None, serious_bases: frozenset[str], recent_from: dt.date,
    rule_set: RuleSet,
) -> dict[Severity | None, int]:
    """Recent penalties per tier, and (under None) the older ones."""
    tiers: dict[Severity | None, int] = {None: 0, **dict.fromkeys(Severity, 0)}
    payloads: list[dict[str, Any]] = orjson.loads(penalties_json) if penalties_json else []
    for payload in payloads:
        penalty = from_payload(RecordKind.PENALTY, payload)
        assert isinstance(penalty, Penalty)
        if penalty.decided_on < recent_from:
            tiers[None] += 1
            continue
        listed = penalty.decision_number in serious_bases
        tiers[assess_under(penalty, rule_set, serious_listed=listed).severity] += 1
    return tiers


async def enterprise_count(conn: Queryable) -> int:
    """How many enterprises the archive knows."""
    count: int = await conn.fetchval("SELECT count(*) FROM enterprises")
    return count


async def next_codes(conn: Queryable, after: str, limit: int) -> list[str]:
    """The next `limit` enterprise codes after `after`, in code order (keyset paging)."""
    rows = await conn.fetch(
        "SELECT uscc FROM enterprises WHERE uscc > $1 ORDER BY uscc LIMIT $2", after, limit
    )
    return [row["uscc"] for row in rows]
