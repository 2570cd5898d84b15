from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from gateway.records import KeyArea, ListKind, PenaltyMeasure
from schema.context import today_in_shanghai
from tests.archive.rows import (
    code,
    commitment,
    inspection,
    licence,
    listing,
    penalty,
    put_record,
    registration,
)
from tests.schema.conftest import PROFILE_QUERY, graphql

TODAY = today_in_shanghai()
DAY = dt.timedelta(days=1)


async def _seed(pool: asyncpg.Pool[Any], uscc: str) -> dict[str, str]:
    """One enterprise with a record of every kind; the archive ids by role."""
    serious_number = "汕市监罚〔2026〕5号"
    ids = {
        "registration": await put_record(
            pool, registration(uscc, "汕头市金平食品有限公司", former_names=("金平罐头厂",),
                               registered_capital=Decimal("2000000")),
            key_areas=(KeyArea.FOOD_PRODUCTION,),
            source_updated_at=dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)),
        "licence": await put_record(pool, licence(uscc, "SC10644050700011", TODAY - 400 * DAY)),
        "serious": await put_record(pool, penalty(uscc, serious_number, TODAY - 30 * DAY)),
        "warning": await put_record(pool, penalty(
            uscc, "汕龙市监罚〔2026〕1号", TODAY - 60 * DAY, measures=(PenaltyMeasure.WARNING,),
            fine_amount=None, violation="未按规定公示信息", legal_basis=None)),
        "inspection": await put_record(pool, inspection(uscc, "SJ-001", TODAY - 10 * DAY)),
        "listing": await put_record(pool, listing(
            uscc, ListKind.SERIOUS_DISHONESTY, TODAY - 30 * DAY, decision_number=serious_number,
            expires_on=TODAY + 1000 * DAY)),
        "old_listing": await put_record(pool, listing(
            uscc, ListKind.ABNORMAL_OPERATIONS, TODAY - 900 * DAY, removed_on=TODAY - 800 * DAY)),
        "commitment": await put_record(pool, commitment(uscc, TODAY - 5 * DAY)),
    }
    return ids


async def test_profile_over_http_has_every_section_with_provenance(
    clean_archive: asyncpg.Pool[Any], served_url: str,
) -> None:
    uscc = code(1)
    ids = await _seed(clean_archive, uscc)
    async with httpx.AsyncClient(base_url=served_url) as client:
        body = await graphql(client, PROFILE_QUERY, {"uscc": uscc.lower()})
    assert "errors" not in body, body
    e = body["data"]["enterprise"]
    assert (e["uscc"], e["name"], e["formerNames"]) == (uscc, "汕头市金平食品有限公司", ["金平罐头厂"])
    assert (e["status"], e["division"], e["keyAreas"]) == ("OPERATING", "440507", ["FOOD_PRODUCTION"])
    assert e["registeredCapital"] == "2000000.00"
    assert e["establishedOn"] == "2012-03-15"
    assert e["provenance"] == {
        "source": "registration", "department": "登记注册", "recordId": uscc,
        "sourceUpdatedAt": "2025-05-01T09:30:00+00:00", "receivedAt": "2025-06-01T08:00:00+00:00",
    }
    assert e["licenses"][0]["id"] == ids["licence"]
    assert e["licenses"][0]["provenance"]["department"] == "行政许可"
    serious, warning = e["penalties"]
    assert serious["id"] == ids["serious"]
    assert (serious["severity"], serious["publicity"]["state"]) == ("SERIOUS", "PUBLIC")
    assert serious["publicity"]["publishedOn"] == (TODAY - 30 * DAY).isoformat()
    assert serious["fineAmount"] == "80000.00" and serious["measures"] == ["FINE"]
    assert (warning["severity"], warning["publicity"]["state"]) == ("MINOR", "NOT_PUBLISHED")
    assert warning["provenance"]["source"] == "enforcement"
    assert e["inspections"][0]["result"] == "NO_PROBLEM"
    assert e["inspections"][0]["publicity"]["state"] == "PUBLIC"
    assert [(x["id"], x["active"]) for x in e["listings"]] == [
        (ids["listing"], True), (ids["old_listing"], False)]
    assert e["listings"][0]["uscc"] == uscc
    assert e["commitments"][0]["status"] == "IN_FORCE"
    assert e["riskAssessment"] is None
    assert e["freshness"] == []  # no sources configured, none in the sources table


async def test_severity_is_serious_when_the_penalty_put_the_enterprise_on_the_serious_list(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
) -> None:
    uscc = code(2)
    number = "汕市监罚〔2026〕8号"
    await put_record(clean_archive, registration(uscc, "汕头市某贸易有限公司"))
    # A general penalty by itself: not in a serious field, not a heavy measure.
    await put_record(clean_archive, penalty(uscc, number, TODAY - 20 * DAY,
                                            violation="虚假宣传", legal_basis="《反不正当竞争法》"))
    query = "query($u: USCC!) { enterprise(uscc: $u) { penalties { severity } } }"
    before = await graphql(client, query, {"u": uscc})
    assert before["data"]["enterprise"]["penalties"] == [{"severity": "GENERAL"}]
    await put_record(clean_archive, listing(uscc, ListKind.SERIOUS_DISHONESTY, TODAY - 20 * DAY,
                                            decision_number=number))
    after = await graphql(client, query, {"u": uscc})
    assert after["data"]["enterprise"]["penalties"] == [{"severity": "SERIOUS"}]


async def test_unknown_code_is_null(client: httpx.AsyncClient) -> None:
    body = await graphql(client, "{ enterprise(uscc: \"914403001922038216\") { name } }")
    assert body == {"data": {"enterprise": None}}


async def test_freshness_from_the_archive(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
) -> None:
    uscc = code(3)
    await put_record(clean_archive, registration(uscc, "新鲜企业"))
    synced = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    await clean_archive.execute(
        "INSERT INTO sources (name, department, kind, last_attempt_at, last_success_at)"
        " VALUES ('registration', '登记注册', 'postgres', $1, $1),"
        " ('licensing', '行政许可', 'http', $1, NULL)", synced,
    )
    body = await graphql(client, "query($u: USCC!) { enterprise(uscc: $u) { freshness {"
                         " source department syncedAt stale } } }", {"u": uscc})
    freshness = {f["source"]: f for f in body["data"]["enterprise"]["freshness"]}
    assert freshness["registration"]["stale"] is False
    assert dt.datetime.fromisoformat(freshness["registration"]["syncedAt"]) == synced
    assert freshness["licensing"] == {
        "source": "licensing", "department": "行政许可", "syncedAt": None, "stale": True}


async def test_sources_query(clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient) -> None:
    synced = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    await clean_archive.execute(
        "INSERT INTO sources (name, department, kind, last_attempt_at, last_success_at,"
        " record_count, quarantine_count) VALUES ('registration', '登记注册', 'postgres', $1, $1,"
        " 42, 3)", synced,
    )
    body = await graphql(client, "{ sources { name department kind state lastSuccessAt"
                         " lagSeconds recordCount quarantineCount } }")
    (status,) = body["data"]["sources"]
    assert (status["name"], status["kind"], status["state"]) == ("registration", "postgres",
                                                                 "HEALTHY")
    assert status["recordCount"] == 42 and 30 <= status["lagSeconds"] < 300
    assert status["quarantineCount"] == 3


async def test_licence_key_area_comes_from_its_number_when_the_source_omits_it(
    clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient
) -> None:
    uscc = code(7)
    await put_record(clean_archive, registration(uscc, "汕头市澄海区锅炉厂"))
    await put_record(clean_archive, licence(uscc, "TS2244051-2024", TODAY, key_area=None))
    await put_record(clean_archive, licence(uscc, "JY14405150000001", TODAY, key_area=None))
    body = await graphql(
        client, "query($u: USCC!) { enterprise(uscc: $u) { licenses { number keyArea } } }",
        {"u": uscc},
    )
    areas = {item["number"]: item["keyArea"] for item in body["data"]["enterprise"]["licenses"]}
    assert areas == {"TS2244051-2024": "SPECIAL_EQUIPMENT_PRODUCTION", "JY14405150000001": None}
