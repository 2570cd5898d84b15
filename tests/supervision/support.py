"""Seeds and GraphQL documents shared by the key-supervision tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import asyncpg

from gateway.records import KeyArea, ListKind
from gateway.rules.publicity import add_months
from schema.context import today_in_shanghai
from tests.archive.rows import code, listing, penalty, put_record, registration

TODAY = today_in_shanghai()
_NUMBERS = itertools.count(1)
DAY = dt.timedelta(days=1)
VIOLATION = "生产经营标签不符合规定的预包装食品"

ENTRY = (
    "id uscc enterpriseName division origin grounds { rule detail } measures { code name } "
    "since reason endedAt endReason"
)

KEY_SUPERVISION = f"""
query KeySupervision($first: Int, $after: String, $division: String,
                     $ground: KeySupervisionRule) {{
  keySupervision(first: $first, after: $after, division: $division, ground: $ground) {{
    edges {{ cursor node {{ {ENTRY} }} }} pageInfo {{ hasNextPage endCursor }} totalCount }} }}
"""

ADD = f"""
mutation Add($uscc: USCC!, $reason: String!, $measures: [String!]) {{
  addKeySupervision(uscc: $uscc, reason: $reason, measures: $measures) {{ {ENTRY} }} }}
"""

REMOVE = f"""
mutation Remove($id: ID!, $reason: String!) {{
  removeKeySupervision(entryId: $id, reason: $reason) {{ {ENTRY} }} }}
"""

CASE = ("id title summary markedAt penaltyId decisionNumber decidedOn authority violation "
        "enterpriseName uscc")

TYPICAL_CASES = f"""
query Cases($first: Int, $after: String) {{
  typicalCases(first: $first, after: $after) {{
    edges {{ cursor node {{ {CASE} }} }} pageInfo {{ hasNextPage endCursor }} totalCount }} }}
"""

MARK = f"""
mutation Mark($id: ID!, $title: String!, $summary: String!) {{
  markTypicalCase(penaltyId: $id, title: $title, summary: $summary) {{ {CASE} }} }}
"""

UNMARK = f"""
mutation Unmark($id: ID!) {{ unmarkTypicalCase(penaltyId: $id) {{ {CASE} }} }}
"""


def months_ago(months: int) -> dt.date:
    return add_months(TODAY, -months)


async def enterprise(
    pool: asyncpg.Pool[Any], n: int, division: str = "440507",
    key_areas: tuple[KeyArea, ...] = (), **fields: Any,
) -> str:
    """An enterprise numbered `n`; its code."""
    uscc = code(n, division)
    await put_record(pool, registration(uscc, f"汕头市监管{n}号有限公司", **fields),
                     key_areas=key_areas)
    return uscc


async def risk(pool: asyncpg.Pool[Any], uscc: str, risk_class: str) -> None:
    """Set the enterprise's current risk class (as the risk assessment would)."""
    await pool.execute(
        "INSERT INTO risk_assessments (uscc, risk_class, score, model, assessed_at, factors)"
        " VALUES ($1, $2, 0.5, 'general@test', now(), '[]'::jsonb)"
        " ON CONFLICT (uscc) DO UPDATE SET risk_class = EXCLUDED.risk_class",
        uscc, risk_class,
    )


async def penalties(
    pool: asyncpg.Pool[Any], uscc: str, days: list[dt.date], violation: str = VIOLATION,
    prefix: str = "汕市监罚", **fields: Any,
) -> list[str]:
    """Penalties of the enterprise decided on `days`; their archive ids."""
    ids = []
    for day in days:
        number = f"{prefix}〔{day.year}〕{next(_NUMBERS)}号"
        ids.append(await put_record(
            pool, penalty(uscc, number, day, violation=violation, **fields)))
    return ids


async def serious_entry(
    pool: asyncpg.Pool[Any], uscc: str, listed_on: dt.date, **fields: Any
) -> str:
    return await put_record(pool, listing(
        uscc, ListKind.SERIOUS_DISHONESTY, listed_on, reason="严重违法失信",
        decision_number="汕市监罚〔2025〕9号", **fields))
