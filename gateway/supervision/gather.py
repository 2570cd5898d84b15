"""Gathers the facts of the key-supervision rules from the archive, set-based: three
statements for the whole archive (or for a given set of codes), whatever its size. Each
statement reads only rows that may make a rule hold (key-area enterprises in a high class,
serious entries not removed or expired, penalties of enterprises with enough recent ones); the
rules (gateway.supervision.rules) decide. Statements are joined from this module's fixed
fragments; values are parameters."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from gateway.archive import Queryable
from gateway.lists import in_force
from gateway.records import EnterpriseStatus
from gateway.repair.effects import restarted_expiry
from gateway.supervision.config import SupervisionConfig
from gateway.supervision.facts import EnterpriseFacts, PenaltyFact, RiskFact, SeriousFact
from gateway.supervision.rules import earliest_counted

# $1 the classes.
_HIGH_RISK = """
SELECT e.uscc, e.status, e.key_areas, r.risk_class, r.model
FROM enterprises e JOIN risk_assessments r ON r.uscc = e.uscc
WHERE e.key_areas <> '{}' AND r.risk_class = ANY($1::text[])
"""

_DAY = "$1::text::date"

# $1 the day (ISO text). A repair revoked for fraud restarts the entry's term
# (gateway.lists.in_force), as in the centralised publicity.
_SERIOUS = f"""
SELECT r.id, r.uscc, e.status, r.payload->>'listed_on' AS listed_on,
       r.payload->>'expires_on' AS expires_on, r.payload->>'removed_on' AS removed_on,
       coalesce(r.payload->>'penalty_number', r.payload->>'decision_number') AS number,
       (SELECT min(c.decided_on) FROM credit_repairs c
        WHERE c.target_pk = r.id AND c.status = 'APPROVED') AS repaired_on,
       {in_force.restart_day("r", _DAY)} AS restart
FROM records r JOIN enterprises e ON e.uscc = r.uscc
WHERE r.kind = 'LISTING' AND r.payload->>'kind' = 'SERIOUS_DISHONESTY'
  AND (r.payload->>'removed_on' IS NULL OR (r.payload->>'removed_on') COLLATE "C" > $1::text)
  AND {in_force.not_expired("r", _DAY)}
"""  # noqa: S608 (built from constants; values are parameters)

# $1 earliest day, $2 the day (ISO text), $3 the least count; only enterprises with as many
# penalties in the window, of any kind, can have as many of one kind.
_PENALTIES = """
WITH recent AS (
    SELECT r.id, r.uscc, r.payload->>'decision_number' AS number,
           r.payload->>'decided_on' AS decided_on, r.payload->>'violation' AS violation
    FROM records r
    WHERE r.kind = 'PENALTY' AND (r.payload->>'decided_on') COLLATE "C" >= $1::text
      AND (r.payload->>'decided_on') COLLATE "C" <= $2::text {codes}
), enough AS (
    SELECT uscc FROM recent GROUP BY uscc HAVING count(*) >= $3::int
)
SELECT p.id, p.uscc, e.status, p.number, p.decided_on, p.violation
FROM recent p JOIN enough USING (uscc) JOIN enterprises e ON e.uscc = p.uscc
"""


def _for_codes(sql: str, column: str, position: int, codes: Sequence[str] | None) -> str:
    """`sql` limited to the codes when given (parameter `position`)."""
    if codes is None:
        return sql.replace("{codes}", "")
    condition = f" AND {column} = ANY(${position}::text[])"
    return sql.replace("{codes}", condition) if "{codes}" in sql else sql + condition


@dataclasses.dataclass(slots=True)
class _Collected:
    status: EnterpriseStatus
    key_areas: tuple[str, ...] = ()
    risk: RiskFact | None = None
    serious: list[SeriousFact] = dataclasses.field(default_factory=list)
    penalties: list[PenaltyFact] = dataclasses.field(default_factory=list)


async def gather_facts(
    conn: Queryable,
    today: dt.date,
    config: SupervisionConfig,
    codes: Sequence[str] | None = None,
) -> list[EnterpriseFacts]:
    """The facts of every enterprise for which a rule may hold (of `codes` when given)."""
    extra: list[Any] = [] if codes is None else [list(codes)]
    collected: dict[str, _Collected] = {}
    high = _for_codes(_HIGH_RISK, "e.uscc", 2, codes)
    for row in await conn.fetch(high, sorted(config.high_risk_classes), *extra):
        item = _collected(collected, row)
        item.key_areas = tuple(row["key_areas"])
        item.risk = RiskFact(row["risk_class"], row["model"])
    serious = _for_codes(_SERIOUS, "r.uscc", 2, codes)
    for row in await conn.fetch(serious, today.isoformat(), *extra):
        _collected(collected, row).serious.append(_serious_fact(row))
    earliest = earliest_counted(today, config.repeated_window_months)
    penalties = _for_codes(_PENALTIES, "r.uscc", 4, codes)
    rows = await conn.fetch(penalties, earliest.isoformat(), today.isoformat(),
                            config.repeated_min_penalties, *extra)
    for row in rows:
        _collected(collected, row).penalties.append(_penalty_fact(row))
    return list(_facts(collected.items()))


def _collected(collected: dict[str, _Collected], row: Any) -> _Collected:
    item = collected.get(row["uscc"])
    if item is None:
        item = collected[row["uscc"]] = _Collected(EnterpriseStatus(row["status"]))
    return item


def _day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _serious_fact(row: Any) -> SeriousFact:
    expires_on = _day(row["expires_on"])
    if row["restart"] is not None:
        expires_on = restarted_expiry(expires_on, row["restart"])
    return SeriousFact(
        listing_id=str(row["id"]),
        listed_on=dt.date.fromisoformat(row["listed_on"]),
        expires_on=expires_on,
        removed_on=_day(row["removed_on"]),
        repaired_on=row["repaired_on"],
        decision_number=row["number"],
    )


def _penalty_fact(row: Any) -> PenaltyFact:
    return PenaltyFact(
        penalty_id=str(row["id"]),
        decision_number=row["number"],
        decided_on=dt.date.fromisoformat(row["decided_on"]),
        violation=row["violation"],
    )


def _facts(collected: Iterable[tuple[str, _Collected]]) -> Iterable[EnterpriseFacts]:
    for uscc, item in collected:
        yield EnterpriseFacts(
            uscc=uscc,
            status=item.status,
            key_areas=item.key_areas,
            risk=item.risk,
            serious=tuple(item.serious),
            penalties=tuple(item.penalties),
        )
