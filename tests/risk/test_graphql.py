"""Serving assessments: `Enterprise.riskAssessment` through a per-request DataLoader, and
`riskDistribution` with its filters (access control off here; see test_access.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.clock import utcnow
from gateway.risk.config import load_models
from gateway.risk.factors import FactorCode
from gateway.risk.recompute import recompute_all
from gateway.risk.scoring import Contribution, Scored
from gateway.risk.store import save_assessments
from gateway.rules.calendar import local_date
from tests.risk.seed import seed
from tests.schema.conftest import graphql
from tests.schema.test_round_trips import Counted, counted  # noqa: F401 (the fixture)

PROFILE = """query($u: USCC!) { enterprise(uscc: $u) {
  riskAssessment { riskClass score model assessedAt factors { code description contribution } }
} }"""
DISTRIBUTION = """query($d: String, $k: KeyArea) { riskDistribution(division: $d, keyArea: $k) {
  classes { riskClass count } unassessed total } }"""
PAGE = """query($first: Int) { enterprises(first: $first) {
  edges { node { uscc riskAssessment { riskClass score factors { code } } } } } }"""


async def _seeded_and_assessed(pool: asyncpg.Pool[Any]) -> Any:
    s = await seed(pool, local_date(utcnow()))
    await recompute_all(pool, load_models())
    return s


async def test_an_unassessed_enterprise_has_no_assessment(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient
) -> None:
    s = await seed(clean_archive, local_date(utcnow()))
    body = await graphql(client, PROFILE, {"u": s.fined})
    assert body == {"data": {"enterprise": {"riskAssessment": None}}}


async def test_the_stored_assessment_is_served(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient
) -> None:
    s = await _seeded_and_assessed(clean_archive)
    body = await graphql(client, PROFILE, {"u": s.fined})
    found = body["data"]["enterprise"]["riskAssessment"]
    assert (found["riskClass"], found["model"]) == ("C", "general@2026.1")
    codes = {f["code"]: f["contribution"] for f in found["factors"]}
    assert codes == {"ABNORMAL_LISTED": 12.0, "PENALTY_GENERAL": 7.0}
    assert found["score"] == 19.0 and found["assessedAt"].endswith("+00:00")
    assert all(f["description"] for f in found["factors"])
    food = await graphql(client, PROFILE, {"u": s.food})
    assert food["data"]["enterprise"]["riskAssessment"]["model"] == "food@2026.1"


@pytest.mark.parametrize(("variables", "counts", "total"), [
    ({}, [1, 1, 1, 1], 4),
    ({"d": "440000"}, [1, 1, 1, 1], 4),
    ({"d": "440500"}, [1, 1, 1, 1], 4),
    ({"d": "440507"}, [1, 0, 1, 1], 3),
    ({"d": "440511"}, [0, 1, 0, 0], 1),
    ({"d": "440513"}, [0, 0, 0, 0], 0),
    ({"k": "FOOD_PRODUCTION"}, [0, 1, 0, 0], 1),
    ({"d": "440507", "k": "FOOD_PRODUCTION"}, [0, 0, 0, 0], 0),
])
async def test_the_distribution_counts_classes_of_the_population(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
    variables: dict[str, str], counts: list[int], total: int,
) -> None:
    await _seeded_and_assessed(clean_archive)
    body = await graphql(client, DISTRIBUTION, variables)
    found = body["data"]["riskDistribution"]
    assert [c["riskClass"] for c in found["classes"]] == ["A", "B", "C", "D"]
    assert [c["count"] for c in found["classes"]] == counts
    assert (found["unassessed"], found["total"]) == (0, total)


async def test_unassessed_enterprises_are_counted_apart(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient
) -> None:
    await seed(clean_archive, local_date(utcnow()))
    found = (await graphql(client, DISTRIBUTION, {}))["data"]["riskDistribution"]
    assert (found["unassessed"], found["total"]) == (4, 4)
    assert sum(c["count"] for c in found["classes"]) == 0


@pytest.mark.parametrize("division", [
    "4405", "4405070", "44050a", "000000", "", "４４０５０７", "440507\n"])
async def test_a_bad_division_is_refused(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient, division: str
) -> None:
    body = await graphql(client, DISTRIBUTION, {"d": division})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "six-digit" in body["errors"][0]["message"]


async def test_a_bad_key_area_is_refused(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient
) -> None:
    body = await graphql(client, DISTRIBUTION, {"k": "TOYS"})
    assert "errors" in body and body.get("data") is None


async def test_assessments_of_a_page_cost_one_statement_however_many_nodes(
    clean_archive: asyncpg.Pool[Any], counted: Counted  # noqa: F811
) -> None:
    await _seeded_and_assessed(clean_archive)
    await counted.count(PAGE, {"first": 1})  # warm up statement caches
    one = await counted.count(PAGE, {"first": 1})
    four = await counted.count(PAGE, {"first": 4})
    assert one == four
    with_risk = counted.statements.copy()
    assert sum("risk_assessments" in s for s in with_risk) == 1
    body = await graphql(counted.client, PAGE, {"first": 4})
    nodes = [e["node"] for e in body["data"]["enterprises"]["edges"]]
    assert sorted(n["riskAssessment"]["riskClass"] for n in nodes) == ["A", "B", "C", "D"]


AS_OF = """query($u: USCC!, $at: DateTime!) { enterprise(uscc: $u, asOf: $at) {
  riskAssessment { riskClass score model factors { code contribution } } } }"""


async def test_a_profile_as_of_a_past_instant_shows_the_assessment_then_in_force(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient
) -> None:
    s = await seed(clean_archive, local_date(utcnow()))
    first, later = dt.datetime(2026, 1, 10, tzinfo=dt.UTC), dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    low = Scored(s.fined, "A", 2.0, "general@2026.1",
                 (Contribution(FactorCode.PENALTY_MINOR, "轻微", 2.0),))
    high = Scored(s.fined, "D", 40.0, "general@2026.1",
                  (Contribution(FactorCode.SERIOUS_LISTED, "失信", 40.0),))
    async with clean_archive.acquire() as conn, conn.transaction():
        await save_assessments(conn, [low], first)
    async with clean_archive.acquire() as conn, conn.transaction():
        await save_assessments(conn, [high], later)

    async def at(instant: dt.datetime) -> Any:
        body = await graphql(client, AS_OF, {"u": s.fined, "at": instant.isoformat()})
        assert "errors" not in body, body
        return body["data"]["enterprise"]["riskAssessment"]

    assert await at(first - dt.timedelta(days=1)) is None
    assert await at(first + dt.timedelta(days=1)) == {
        "riskClass": "A", "score": 2.0, "model": "general@2026.1",
        "factors": [{"code": "PENALTY_MINOR", "contribution": 2.0}]}
    assert (await at(later + dt.timedelta(days=1)))["riskClass"] == "D"
    now = await graphql(client, PROFILE, {"u": s.fined})
    assert now["data"]["enterprise"]["riskAssessment"]["riskClass"] == "D"
