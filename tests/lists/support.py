"""Seeds and GraphQL documents shared by the lists tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx

from gateway.records import PenaltyMeasure
from schema.context import today_in_shanghai
from tests.archive.rows import code, penalty, put_record, registration
from tests.schema.conftest import graphql

TODAY = today_in_shanghai()
DAY = dt.timedelta(days=1)
AUTHORITY = "汕头市市场监督管理局"

LISTING = (
    "id kind uscc enterpriseName reason listedOn listedBy decisionNumber expiresOn removedOn "
    "removalReason active provenance { source department recordId sourceUpdatedAt receivedAt }"
)

LIST_ABNORMAL = f"""
mutation ListAbnormal($uscc: USCC!, $ground: AbnormalGround!, $on: Date!, $number: String!) {{
  listAbnormal(uscc: $uscc, ground: $ground, decidedOn: $on, decisionNumber: $number) {{
    {LISTING} }} }}
"""

REMOVE_ABNORMAL = f"""
mutation RemoveAbnormal($id: ID!, $on: Date!, $reason: String!) {{
  removeAbnormal(listingId: $id, correctedOn: $on, reason: $reason) {{ {LISTING} }} }}
"""

LIST_SERIOUS = f"""
mutation ListSerious($uscc: USCC!, $penalty: ID!, $on: Date!, $number: String!,
                     $reason: String!, $heavy: Boolean!, $ends: Date) {{
  listSerious(uscc: $uscc, penaltyId: $penalty, decidedOn: $on, decisionNumber: $number,
              reason: $reason, heavyEndOfBand: $heavy, restrictionEndsOn: $ends) {{
    {LISTING} }} }}
"""

REMOVE_SERIOUS_EARLY = f"""
mutation RemoveSeriousEarly($id: ID!, $on: Date!, $performed: Boolean!, $harm: Boolean!) {{
  removeSeriousEarly(listingId: $id, on: $on, penaltyPerformed: $performed,
                     harmRemoved: $harm) {{ {LISTING} }} }}
"""

REVOKE_LISTING = f"""
mutation RevokeListing($id: ID!) {{
  revokeListing(listingId: $id, ground: PENALTY_ANNULLED) {{ {LISTING} }} }}
"""

PROFILE_LISTINGS = """
query($uscc: USCC!) { enterprise(uscc: $uscc) { listings { id kind active removedOn } } }
"""


async def enterprise(
    pool: asyncpg.Pool[Any], n: int, division: str = "440507", **fields: Any
) -> str:
    """An operating enterprise numbered `n`; its code."""
    uscc = code(n, division)
    await put_record(pool, registration(uscc, f"汕头市测试{n}号有限公司", **fields))
    return uscc


async def heavy_penalty(
    pool: asyncpg.Pool[Any],
    uscc: str,
    number: str,
    decided_on: dt.date,
    measures: tuple[PenaltyMeasure, ...] = (PenaltyMeasure.FINE, PenaltyMeasure.SUSPENSION),
    **fields: Any,
) -> str:
    """A penalty of the enterprise (a suspension with a fine by default); its archive id."""
    return await put_record(
        pool, penalty(uscc, number, decided_on, measures=measures, **fields)
    )


async def run(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any]
) -> dict[str, Any]:
    return await graphql(client, document, variables)


def taken(body: dict[str, Any], field: str) -> dict[str, Any]:
    """The decision a successful mutation returned."""
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][field]
    return result


def refused(body: dict[str, Any]) -> str:
    """The message of a refused decision (BAD_USER_INPUT, no data)."""
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message


async def archive_state(pool: asyncpg.Pool[Any]) -> tuple[int, int, int, int]:
    """Counts that any write of a decision changes: records, versions, bases, and the
    gateway source's record count."""
    row = await pool.fetchrow(
        """
        SELECT (SELECT count(*) FROM records) AS records,
               (SELECT count(*) FROM record_versions) AS versions,
               (SELECT count(*) FROM serious_listing_bases) AS bases,
               (SELECT coalesce(sum(record_count), 0) FROM sources
                WHERE name = 'supervision') AS gateway_records
        """
    )
    assert row is not None
    return row["records"], row["versions"], row["bases"], row["gateway_records"]

