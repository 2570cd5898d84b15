"""Typical cases over GraphQL (access control off): marking, the public list, refusals, and
cases whose penalty is no longer public."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.records import PenaltyMeasure, PenaltyProcedure
from tests.archive.rows import penalty, put_record
from tests.schema.conftest import graphql
from tests.supervision.support import (
    DAY,
    MARK,
    TODAY,
    TYPICAL_CASES,
    UNMARK,
    enterprise,
)

RECENT = TODAY - 30 * DAY


async def public_penalty(pool: asyncpg.Pool[Any], uscc: str, number: str, **fields: Any) -> str:
    """An ordinary-procedure fine of 30 days ago (public for a year); its archive id."""
    return await put_record(pool, penalty(uscc, number, fields.pop("decided_on", RECENT),
                                          **fields))


async def mark(client: httpx.AsyncClient, penalty_id: str, title: str = "无证生产案") -> Any:
    return await graphql(client, MARK, {"id": penalty_id, "title": title,
                                        "summary": "当事人生产标签不合格的预包装食品，依法罚款。"})


def shown(body: dict[str, Any]) -> list[str]:
    return [e["node"]["penaltyId"] for e in body["data"]["typicalCases"]["edges"]]


def error(body: dict[str, Any]) -> tuple[str, str]:
    first = body["errors"][0]
    return first["extensions"]["code"], first["message"]


async def case_count(pool: asyncpg.Pool[Any]) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM typical_cases")
    return count


async def test_a_public_penalty_becomes_a_case_the_public_reads(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    penalty_id = await public_penalty(clean, uscc, "汕市监罚〔2026〕1号")
    marked = await mark(client, penalty_id)
    case = marked["data"]["markTypicalCase"]
    assert case["penaltyId"] == penalty_id and case["title"] == "无证生产案"
    assert case["decisionNumber"] == "汕市监罚〔2026〕1号"
    assert case["decidedOn"] == RECENT.isoformat() and case["authority"] == "汕头市市场监督管理局"
    assert case["violation"] == "生产不符合食品安全标准的食品"
    assert case["uscc"] == uscc and case["enterpriseName"] == "汕头市监管1号有限公司"
    listed = await graphql(client, TYPICAL_CASES, {})
    assert listed["data"]["typicalCases"]["edges"][0]["node"] == case
    assert listed["data"]["typicalCases"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"procedure": PenaltyProcedure.SIMPLE}, "was decided under the simple procedure"),
        ({"measures": (PenaltyMeasure.WARNING,), "fine_amount": None},
         "is not under publicity today (publicity NOT_PUBLISHED)"),
        ({"decided_on": TODAY - 1500 * DAY}, "is not under publicity today (publicity ENDED)"),
    ],
)
async def test_a_penalty_the_public_does_not_see_is_refused(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any], fields: dict[str, Any], message: str
) -> None:
    uscc = await enterprise(clean, 1)
    penalty_id = await public_penalty(clean, uscc, "汕市监罚〔2026〕2号", **fields)
    code, text = error(await mark(client, penalty_id))
    assert code == "BAD_USER_INPUT" and message in text and "汕市监罚〔2026〕2号" in text
    assert await case_count(clean) == 0


@pytest.mark.parametrize(
    ("target", "title", "message"),
    [
        ("999999", "案例", "penaltyId: no penalty 999999"),
        ("registration", "案例", "penaltyId: no penalty"),
        ("abc", "案例", "penaltyId: not an id, got 'abc'"),
        ("penalty", " ", "title: expected some text"),
        ("penalty", "题" * 101, "title: expected at most 100 characters"),
        ("marked", "案例", "is already a typical case"),
    ],
)
async def test_bad_marks_are_refused(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any], target: str, title: str, message: str
) -> None:
    uscc = await enterprise(clean, 1)
    penalty_id = await public_penalty(clean, uscc, "汕市监罚〔2026〕3号")
    registration_id = await clean.fetchval("SELECT id FROM records WHERE kind = 'REGISTRATION'")
    if target == "marked":
        await mark(client, penalty_id)
    ids = {"registration": str(registration_id), "penalty": penalty_id, "marked": penalty_id}
    before = await case_count(clean)
    code, text = error(await mark(client, ids.get(target, target), title))
    assert code == "BAD_USER_INPUT" and message in text
    assert await case_count(clean) == before


async def test_a_long_summary_is_refused(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    penalty_id = await public_penalty(clean, uscc, "汕市监罚〔2026〕4号")
    body = await graphql(client, MARK, {"id": penalty_id, "title": "案", "summary": "文" * 2001})
    assert error(body) == ("BAD_USER_INPUT", "summary: expected at most 2000 characters, got 2001")


async def test_unmark(client: httpx.AsyncClient, clean: asyncpg.Pool[Any]) -> None:
    uscc = await enterprise(clean, 1)
    penalty_id = await public_penalty(clean, uscc, "汕市监罚〔2026〕5号")
    await mark(client, penalty_id)
    unmarked = await graphql(client, UNMARK, {"id": penalty_id})
    assert unmarked["data"]["unmarkTypicalCase"]["penaltyId"] == penalty_id
    assert shown(await graphql(client, TYPICAL_CASES, {})) == []
    code, text = error(await graphql(client, UNMARK, {"id": penalty_id}))
    assert code == "BAD_USER_INPUT" and text == f"penalty {penalty_id} is not a typical case"
    assert error(await graphql(client, UNMARK, {"id": "x1"}))[1] == (
        "penaltyId: not an id, got 'x1'")
    again = await mark(client, penalty_id, "再次发布")
    assert again["data"]["markTypicalCase"]["title"] == "再次发布"


async def approve_repair(pool: asyncpg.Pool[Any], uscc: str, penalty_id: str) -> None:
    """An approved credit repair of the penalty, effective today."""
    now = dt.datetime.now(dt.UTC)
    await pool.execute(
        "INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,"
        " applied_at, accept_due, accepted_at, decided_at, decided_on)"
        " VALUES ($1, $2, $3, 'PENALTY', 'APPROVED', '守信承诺', $4, $5, $4, $4, $5)",
        uuid.uuid4(), uscc, int(penalty_id), now, TODAY,
    )


async def test_a_case_whose_penalty_is_no_longer_public_is_not_shown(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    repaired = await public_penalty(clean, uscc, "汕市监罚〔2026〕6号")
    ended = await public_penalty(clean, uscc, "汕市监罚〔2026〕7号")
    stays = await public_penalty(clean, uscc, "汕市监罚〔2026〕8号")
    for penalty_id in (repaired, ended, stays):
        await mark(client, penalty_id)
    assert shown(await graphql(client, TYPICAL_CASES, {})) == [stays, ended, repaired]

    await approve_repair(clean, uscc, repaired)
    # The source corrects the decision date: the publicity of that date has ended.
    await put_record(clean, penalty(uscc, "汕市监罚〔2026〕7号", TODAY - 1500 * DAY),
                     received_at=dt.datetime.now(dt.UTC))
    body = await graphql(client, TYPICAL_CASES, {})
    assert shown(body) == [stays] and body["data"]["typicalCases"]["totalCount"] == 1


async def test_pages_skip_hidden_cases(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean, 1)
    ids = [await public_penalty(clean, uscc, f"汕市监罚〔2026〕{10 + i}号") for i in range(4)]
    for penalty_id in ids:
        await mark(client, penalty_id)
    await approve_repair(clean, uscc, ids[2])
    seen: list[str] = []
    after = None
    for _ in range(5):
        body = await graphql(client, TYPICAL_CASES, {"first": 1, "after": after})
        page = body["data"]["typicalCases"]
        seen += shown(body)
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert seen == [ids[3], ids[1], ids[0]]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"after": "eyJrIjoxfQ"}, "after: not a cursor of this list"),  # a keySupervision one
        ({"after": "%%%"}, "after: not a cursor of this list"),
        ({"first": 0}, "first: expected 1 to 100, got 0"),
    ],
)
async def test_bad_page_arguments(
    client: httpx.AsyncClient, clean: asyncpg.Pool[Any], variables: dict[str, Any], message: str
) -> None:
    body = await graphql(client, TYPICAL_CASES, variables)
    code, text = error(body)
    assert code == "BAD_USER_INPUT" and message in text
