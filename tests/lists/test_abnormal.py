"""listAbnormal and removeAbnormal: each success, and each refusal naming its condition with
nothing written."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.lists.grounds import ABNORMAL_REASONS, AbnormalGround
from gateway.records import EnterpriseStatus, ListKind
from gateway.uscc import make
from tests.archive.rows import listing, put_record, registration
from tests.lists.support import (
    AUTHORITY,
    DAY,
    LIST_ABNORMAL,
    LISTING,
    PROFILE_LISTINGS,
    REMOVE_ABNORMAL,
    TODAY,
    archive_state,
    enterprise,
    refused,
    run,
    taken,
)


def _listing_vars(uscc: str, **changes: Any) -> dict[str, Any]:
    values = {"uscc": uscc, "ground": "ANNUAL_REPORT_NOT_FILED",
              "on": (TODAY - 3 * DAY).isoformat(), "number": "汕龙市监列异〔2026〕7号"}
    return values | changes


async def _listed(client: httpx.AsyncClient, uscc: str, **changes: Any) -> dict[str, Any]:
    return taken(await run(client, LIST_ABNORMAL, _listing_vars(uscc, **changes)),
                 "listAbnormal")


async def test_listing_writes_a_gateway_record_the_profile_shows_at_once(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    entry = await _listed(client, uscc.lower())
    assert entry["kind"] == "ABNORMAL_OPERATIONS" and entry["uscc"] == uscc
    assert entry["reason"] == ABNORMAL_REASONS[AbnormalGround.ANNUAL_REPORT_NOT_FILED]
    assert entry["listedOn"] == (TODAY - 3 * DAY).isoformat()
    assert entry["listedBy"] == AUTHORITY and entry["decisionNumber"] == "汕龙市监列异〔2026〕7号"
    assert entry["enterpriseName"] == "汕头市测试1号有限公司"
    assert entry["expiresOn"] is None and entry["removedOn"] is None and entry["active"] is True
    provenance = entry["provenance"]
    assert provenance["source"] == "supervision" and provenance["department"] == AUTHORITY
    assert provenance["recordId"].startswith("list-")
    profile = await run(client, PROFILE_LISTINGS, {"uscc": uscc})
    assert profile["data"]["enterprise"]["listings"] == [
        {"id": entry["id"], "kind": "ABNORMAL_OPERATIONS", "active": True, "removedOn": None}]
    source = await clean_archive.fetchrow(
        "SELECT department, kind, record_count FROM sources WHERE name = 'supervision'")
    assert dict(source or {}) == {"department": AUTHORITY, "kind": "gateway", "record_count": 1}
    versions = await clean_archive.fetchval(
        "SELECT count(*) FROM record_versions WHERE record_pk = $1", int(entry["id"]))
    assert versions == 1
    full = await run(client, f"query($uscc: USCC!) {{ enterprise(uscc: $uscc) {{ listings {{ "
                             f"{LISTING} }} }} }}", {"uscc": uscc})
    assert full["data"]["enterprise"]["listings"] == [entry], "as the archive reads it back"


async def test_another_ground_may_be_listed_beside_one_in_force(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    await _listed(client, uscc)
    other = await _listed(client, uscc, ground="UNREACHABLE_AT_ADDRESS")
    assert other["reason"] == ABNORMAL_REASONS[AbnormalGround.UNREACHABLE_AT_ADDRESS]


async def test_false_information_was_a_ground_before_2024_03_10(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    entry = await _listed(client, uscc, ground="FALSE_INFORMATION_DISCLOSED", on="2024-03-09")
    assert entry["reason"] == ABNORMAL_REASONS[AbnormalGround.FALSE_INFORMATION_DISCLOSED]


@pytest.mark.parametrize(
    ("setup", "changes", "expected"),
    [
        ("operating", {"on": (TODAY + DAY).isoformat()}, "is in the future"),
        ("operating", {"ground": "FALSE_INFORMATION_DISCLOSED", "on": "2024-03-10"},
         "no longer a ground"),
        ("operating", {"number": "  "}, "decisionNumber: expected some text"),
        ("operating", {"number": "号" * 101}, "decisionNumber: expected at most 100"),
        ("deregistered", {}, "is DEREGISTERED"),
        ("revoked", {}, "is REVOKED"),
        ("individual", {}, "individual business"),
        ("unknown", {}, "no source knows the enterprise"),
        ("listed", {}, "already on the abnormal-operations list for this ground"),
        ("listed by a department", {}, "already on the abnormal-operations list"),
    ],
)
async def test_listing_is_refused_naming_the_unmet_condition(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], setup: str,
    changes: dict[str, Any], expected: str,
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 1)
    if setup in ("deregistered", "revoked"):
        status = EnterpriseStatus(setup.upper())
        await put_record(pool, registration(uscc, "汕头市测试1号有限公司", status=status))
    elif setup == "individual":
        uscc = make("92440507MA0000001")
        await put_record(pool, registration(uscc, "汕头市龙湖区陈记商行"))
    elif setup == "unknown":
        uscc = make("91440507MA0000002")
    elif setup == "listed":
        await _listed(client, uscc)
    elif setup == "listed by a department":
        reason = ABNORMAL_REASONS[AbnormalGround.ANNUAL_REPORT_NOT_FILED]
        await put_record(pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS, TODAY - 90 * DAY,
                                       reason=reason))
    before = await archive_state(pool)
    message = refused(await run(client, LIST_ABNORMAL, _listing_vars(uscc, **changes)))
    assert expected in message
    assert await archive_state(pool) == before


async def test_removal_writes_a_new_version_of_the_same_record(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    entry = await _listed(client, uscc)
    body = await run(client, REMOVE_ABNORMAL, {
        "id": entry["id"], "on": (TODAY - DAY).isoformat(), "reason": "已补报年度报告并公示"})
    removed = taken(body, "removeAbnormal")
    assert removed["id"] == entry["id"]
    assert removed["provenance"]["recordId"] == entry["provenance"]["recordId"]
    assert removed["removedOn"] == TODAY.isoformat()
    assert removed["removalReason"] == "已补报年度报告并公示" and removed["active"] is False
    assert removed["listedOn"] == entry["listedOn"]
    versions = await clean_archive.fetch(
        "SELECT version, payload->>'removed_on' AS removed FROM record_versions"
        " WHERE record_pk = $1 ORDER BY version", int(entry["id"]))
    assert [(v["version"], v["removed"]) for v in versions] == [(1, None), (2, TODAY.isoformat())]
    profile = await run(client, PROFILE_LISTINGS, {"uscc": uscc})
    assert profile["data"]["enterprise"]["listings"][0]["active"] is False
    # The same ground may be listed again once the entry is removed.
    await _listed(client, uscc, number="汕龙市监列异〔2026〕9号")


@pytest.mark.parametrize(
    ("target", "changes", "expected"),
    [
        ("gateway", {"on": (TODAY + DAY).isoformat()}, "correctedOn"),
        ("gateway", {"on": (TODAY - 30 * DAY).isoformat()}, "before the listing"),
        ("gateway", {"reason": ""}, "reason: expected some text"),
        ("gateway", {"reason": "改" * 501}, "reason: expected at most 500"),
        ("removed", {}, "already removed"),
        ("department", {}, "comes from source 'credit'"),
        ("serious", {}, "not on the ABNORMAL_OPERATIONS list"),
        ("missing", {}, "no list entry 999999"),
        ("not an id", {}, "listingId: not an archive id"),
    ],
)
async def test_removal_is_refused_naming_the_unmet_condition(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], target: str,
    changes: dict[str, Any], expected: str,
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 1)
    entry_id = (await _listed(client, uscc))["id"]
    variables = {"on": (TODAY - DAY).isoformat(), "reason": "已补报年度报告并公示"}
    if target == "removed":
        taken(await run(client, REMOVE_ABNORMAL, {"id": entry_id, **variables}),
              "removeAbnormal")
    elif target == "department":
        entry_id = await put_record(pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS,
                                                  TODAY - 90 * DAY))
    elif target == "serious":
        entry_id = await _gateway_serious_entry(pool, uscc)
    elif target == "missing":
        entry_id = "999999"
    elif target == "not an id":
        entry_id = "list-1"
    before = await archive_state(pool)
    body = await run(client, REMOVE_ABNORMAL, {"id": entry_id, **variables} | changes)
    assert expected in refused(body)
    assert await archive_state(pool) == before


async def _gateway_serious_entry(pool: asyncpg.Pool[Any], uscc: str) -> str:
    """A serious-list entry of the gateway's own source, written directly."""
    return await put_record(
        pool, listing(uscc, ListKind.SERIOUS_DISHONESTY, TODAY - 10 * DAY,
                      expires_on=TODAY + 1000 * DAY),
        source="supervision", record_id="list-serious-test",
        received_at=dt.datetime.now(dt.UTC))


async def test_concurrent_decisions_on_one_ground_list_the_enterprise_once(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    bodies = await asyncio.gather(*(
        run(client, LIST_ABNORMAL, _listing_vars(uscc, number=f"汕龙市监列异〔2026〕{n}号"))
        for n in range(4)))
    assert sum(1 for body in bodies if body.get("data")) == 1
    assert all("already on the abnormal-operations list" in refused(body)
               for body in bodies if not body.get("data"))
    assert await clean_archive.fetchval(
        "SELECT count(*) FROM records WHERE source = 'supervision'") == 1
