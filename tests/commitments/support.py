"""Seeds and GraphQL documents shared by the commitments tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from schema.context import today_in_shanghai
from tests.archive.rows import code, put_record, registration

TODAY = today_in_shanghai()
DAY = dt.timedelta(days=1)
AUTHORITY = "汕头市市场监督管理局"
APPROVAL = "告知承诺制审批"
SELF_DISCIPLINE = "自律承诺"

COMMITMENT = (
    "id kind content committedOn status checkedOn public "
    "provenance { source department recordId }"
)

SUBMIT = f"""
mutation Submit($uscc: USCC!, $kind: String!, $content: String!, $on: Date!,
                $public: Boolean) {{
  submitCommitment(uscc: $uscc, kind: $kind, content: $content, committedOn: $on,
                   public: $public) {{ {COMMITMENT} }} }}
"""

CHECK = f"""
mutation Check($id: ID!, $outcome: CheckOutcome!, $on: Date!, $evidence: String!) {{
  recordCommitmentCheck(commitmentId: $id, outcome: $outcome, checkedOn: $on,
                        evidence: $evidence) {{
    outcome checkedOn evidence checkedBy recordedAt commitment {{ {COMMITMENT} }} }} }}
"""

PROFILE_COMMITMENTS = f"""
query($uscc: USCC!) {{ enterprise(uscc: $uscc) {{ commitments {{ {COMMITMENT} }} }} }}
"""

VERIFY = """
query($uscc: USCC!) { verifyCredit(uscc: $uscc, purpose: COMMITMENT_APPROVAL) {
  verdict findings { code effect record { id kind } } } }
"""


async def enterprise(pool: asyncpg.Pool[Any], n: int, **fields: Any) -> str:
    """An operating enterprise numbered `n`; its code."""
    uscc = code(n)
    await put_record(pool, registration(uscc, f"汕头市承诺{n}号有限公司", **fields))
    return uscc


def submission(uscc: str, **changes: Any) -> dict[str, Any]:
    """Variables of SUBMIT: a self-discipline commitment made three days ago."""
    values = {"uscc": uscc, "kind": SELF_DISCIPLINE, "content": "承诺依法诚信经营，接受行业监督",
              "on": (TODAY - 3 * DAY).isoformat(), "public": True}
    return values | changes


def check(commitment_id: str, **changes: Any) -> dict[str, Any]:
    """Variables of CHECK: a breach found yesterday."""
    values = {"id": commitment_id, "outcome": "BREACHED", "on": (TODAY - DAY).isoformat(),
              "evidence": "现场核查：未按承诺期限补交材料（核查记录 HC-2026-17）"}
    return values | changes


def taken(body: dict[str, Any], field: str) -> dict[str, Any]:
    """What a successful mutation returned."""
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][field]
    return result


def refused(body: dict[str, Any], code: str = "BAD_USER_INPUT") -> str:
    """The message of a refused request (with `code`, no data)."""
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    message: str = error["message"]
    return message


async def written(pool: asyncpg.Pool[Any]) -> tuple[int, int, int, int]:
    """Counts any write changes: records, versions, submissions, checks."""
    row = await pool.fetchrow(
        """
        SELECT (SELECT count(*) FROM records) AS records,
               (SELECT count(*) FROM record_versions) AS versions,
               (SELECT count(*) FROM commitment_submissions) AS submissions,
               (SELECT count(*) FROM commitment_checks) AS checks
        """
    )
    assert row is not None
    return row["records"], row["versions"], row["submissions"], row["checks"]

CHECK_OF = f"""
query($id: ID!) {{ commitmentCheck(commitmentId: $id) {{
  outcome checkedOn evidence checkedBy recordedAt commitment {{ {COMMITMENT} }} }} }}
"""
