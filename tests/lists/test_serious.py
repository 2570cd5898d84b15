"""listSerious, removeSeriousEarly and revokeListing: each success, and each refusal naming its
condition with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.lists.grounds import EARLY_REMOVAL_REASON, REVOCATION_REASONS, RevocationGround
from gateway.records import ListKind, PenaltyMeasure, PenaltyProcedure
from gateway.rules.publicity import period_end
from tests.archive.rows import listing, put_record
from tests.lists.support import (
    DAY,
    LIST_ABNORMAL,
    LIST_SERIOUS,
    REMOVE_SERIOUS_EARLY,
    REVOKE_LISTING,
    TODAY,
    archive_state,
    enterprise,
    heavy_penalty,
    refused,
    run,
    taken,
)

M = PenaltyMeasure
DECIDED = TODAY - 400 * DAY
NUMBER = "汕市监罚〔2025〕88号"


def _vars(uscc: str, penalty_id: str, **changes: Any) -> dict[str, Any]:
    values = {"uscc": uscc, "penalty": penalty_id, "on": DECIDED.isoformat(),
              "number": "汕市监严列〔2025〕3号", "reason": "生产经营致病性微生物超标的食品，情节严重",
              "heavy": False, "ends": None}
    return values | changes


async def _listed(
    client: httpx.AsyncClient, uscc: str, penalty_id: str, **changes: Any
) -> dict[str, Any]:
    return taken(await run(client, LIST_SERIOUS, _vars(uscc, penalty_id, **changes)),
                 "listSerious")


async def test_listing_with_a_heavier_penalty_runs_three_years(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    penalty_id = await heavy_penalty(clean_archive, uscc, NUMBER, DECIDED,
                                     measures=(M.BUSINESS_LICENSE_REVOCATION,))
    entry = await _listed(client, uscc, penalty_id)
    assert entry["kind"] == "SERIOUS_DISHONESTY" and entry["listedOn"] == DECIDED.isoformat()
    assert entry["expiresOn"] == period_end(DECIDED, 36).isoformat()
    assert entry["reason"] == "生产经营致病性微生物超标的食品，情节严重"
    assert entry["decisionNumber"] == "汕市监严列〔2025〕3号" and entry["active"] is True
    assert entry["provenance"]["source"] == "supervision"
    basis = await clean_archive.fetchrow("SELECT * FROM serious_listing_bases")
    assert basis is not None and str(basis["record_pk"]) == entry["id"]
    assert str(basis["penalty_pk"]) == penalty_id and basis["restriction_ends_on"] is None


async def test_three_years_count_from_the_day_after_the_listing(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    leap_day = dt.date(2024, 2, 29)
    penalty_id = await heavy_penalty(clean_archive, uscc, NUMBER, leap_day)
    entry = await _listed(client, uscc, penalty_id, on=leap_day.isoformat())
    # The term ends with 2027-02-28 (no 29th that year); the entry is off the list the next day.
    assert entry["expiresOn"] == "2027-03-01"


async def test_a_longer_restriction_keeps_the_entry_until_it_ends(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    penalty_id = await heavy_penalty(clean_archive, uscc, NUMBER, DECIDED)
    ends = DECIDED + 5 * 366 * DAY
    entry = await _listed(client, uscc, penalty_id, ends=ends.isoformat())
    assert entry["expiresOn"] == (ends + DAY).isoformat()


async def test_a_fine_at_the_heavy_end_of_the_band_is_a_heavier_penalty(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    penalty_id = await heavy_penalty(clean_archive, uscc, NUMBER, DECIDED, measures=(M.FINE,))
    assert (await _listed(client, uscc, penalty_id, heavy=True))["active"] is True


@pytest.mark.parametrize(
    ("setup", "changes", "expected"),
    [
        ("fine", {}, "not a heavier penalty (heavyEndOfBand is false)"),
        ("warning", {"heavy": True}, "not a heavier penalty"),
        ("simple", {"heavy": True}, "simple procedure"),
        ("suspension", {"on": (DECIDED + DAY).isoformat()}, f"decidedOn must be {DECIDED}"),
        ("suspension", {"on": (TODAY + DAY).isoformat()}, "is in the future"),
        ("suspension", {"ends": (DECIDED - DAY).isoformat()}, "restrictionEndsOn"),
        ("suspension", {"reason": " "}, "reason: expected some text"),
        ("suspension", {"number": ""}, "decisionNumber: expected some text"),
        ("other enterprise", {}, "is not a penalty of"),
        ("unknown penalty", {}, "is not a penalty of"),
        ("listed here", {}, f"already on the serious-dishonesty list for penalty {NUMBER}"),
        ("listed by a department", {}, "already on the serious-dishonesty list"),
    ],
)
async def test_listing_is_refused_naming_the_unmet_condition(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], setup: str,
    changes: dict[str, Any], expected: str,
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 1)
    measures = {"fine": (M.FINE,), "warning": (M.WARNING,), "simple": (M.FINE,)}
    procedure = PenaltyProcedure.SIMPLE if setup == "simple" else PenaltyProcedure.ORDINARY
    penalty_id = await heavy_penalty(pool, uscc, NUMBER, DECIDED, procedure=procedure,
                                     measures=measures.get(setup, (M.FINE, M.SUSPENSION)))
    if setup == "other enterprise":
        other = await enterprise(pool, 2)
        penalty_id = await heavy_penalty(pool, other, "汕市监罚〔2025〕99号", DECIDED)
    elif setup == "unknown penalty":
        penalty_id = "424242"
    elif setup == "listed here":
        await _listed(client, uscc, penalty_id)
    elif setup == "listed by a department":
        await put_record(pool, listing(uscc, ListKind.SERIOUS_DISHONESTY, DECIDED,
                                       decision_number=NUMBER, expires_on=TODAY + 700 * DAY))
    before = await archive_state(pool)
    body = await run(client, LIST_SERIOUS, _vars(uscc, penalty_id, **changes))
    assert expected in refused(body)
    assert await archive_state(pool) == before


def _early(entry_id: str, **changes: Any) -> dict[str, Any]:
    return {"id": entry_id, "on": TODAY.isoformat(), "performed": True, "harm": True} | changes


async def test_early_removal_after_a_year_with_the_penalty_performed(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    penalty_id = await heavy_penalty(clean_archive, uscc, NUMBER, DECIDED)
    ended = DECIDED + 60 * DAY
    entry = await _listed(client, uscc, penalty_id, ends=ended.isoformat())
    on = period_end(DECIDED, 12)
    body = await run(client, REMOVE_SERIOUS_EARLY, _early(entry["id"], on=on.isoformat()))
    removed = taken(body, "removeSeriousEarly")
    assert removed["id"] == entry["id"] and removed["removedOn"] == on.isoformat()
    assert removed["removalReason"] == EARLY_REMOVAL_REASON and removed["active"] is False
    assert removed["expiresOn"] == entry["expiresOn"]


@pytest.mark.parametrize(
    ("setup", "changes", "expected"),
    [
        ("ended", {"on": (period_end(DECIDED, 12) - DAY).isoformat()},
         f"not before {period_end(DECIDED, 12)}"),
        ("ended", {"on": (TODAY + DAY).isoformat()}, "is in the future"),
        ("ended", {"performed": False}, "penaltyPerformed"),
        ("ended", {"harm": False}, "harmRemoved"),
        ("running", {}, f"a statutory restriction runs until {TODAY + 10 * DAY}"),
        ("end unknown", {}, "whose end was not recorded"),
        ("new heavier penalty", {}, "a new heavier penalty was decided since the listing"),
        ("listed again", {}, "put on the serious-dishonesty list again"),
        ("removed", {}, "already removed"),
        ("department", {}, "comes from source 'credit'"),
        ("abnormal", {}, "not on the SERIOUS_DISHONESTY list"),
    ],
)
async def test_early_removal_is_refused_naming_the_unmet_condition(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], setup: str,
    changes: dict[str, Any], expected: str,
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 1)
    penalty_id = await heavy_penalty(pool, uscc, NUMBER, DECIDED)
    ends = {"ended": DECIDED + 60 * DAY, "running": TODAY + 10 * DAY, "end unknown": None}
    entry_id = (await _listed(client, uscc, penalty_id,
                              ends=_iso(ends.get(setup, DECIDED + DAY))))["id"]
    entry_id = await _prepare_early_removal(client, pool, uscc, entry_id, setup)
    before = await archive_state(pool)
    body = await run(client, REMOVE_SERIOUS_EARLY, _early(entry_id, **changes))
    assert expected in refused(body)
    assert await archive_state(pool) == before


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


async def _prepare_early_removal(
    client: httpx.AsyncClient, pool: asyncpg.Pool[Any], uscc: str, entry_id: str, setup: str
) -> str:
    """What each refusal case needs beside a serious entry listed 400 days ago."""
    if setup == "new heavier penalty":
        await heavy_penalty(pool, uscc, "汕市监罚〔2026〕2号", TODAY - 30 * DAY,
                            measures=(M.LICENSE_REVOCATION,))
    elif setup == "listed again":
        fine_id = await heavy_penalty(pool, uscc, "汕市监罚〔2026〕2号", TODAY - 30 * DAY,
                                      measures=(M.FINE,))
        await _listed(client, uscc, fine_id, on=(TODAY - 30 * DAY).isoformat(), heavy=True)
    elif setup == "removed":
        taken(await run(client, REVOKE_LISTING, {"id": entry_id}), "revokeListing")
    elif setup == "department":
        return await put_record(pool, listing(uscc, ListKind.SERIOUS_DISHONESTY, DECIDED,
                                              expires_on=TODAY + 700 * DAY))
    elif setup == "abnormal":
        body = await run(client, LIST_ABNORMAL, {
            "uscc": uscc, "ground": "UNREACHABLE_AT_ADDRESS", "on": TODAY.isoformat(),
            "number": "汕龙市监列异〔2026〕1号"})
        return str(taken(body, "listAbnormal")["id"])
    return entry_id


async def test_revocation_removes_the_entry_today_with_its_ground(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    penalty_id = await heavy_penalty(clean_archive, uscc, NUMBER, DECIDED)
    entry = await _listed(client, uscc, penalty_id)
    revoked = taken(await run(client, REVOKE_LISTING, {"id": entry["id"]}), "revokeListing")
    assert revoked["removedOn"] == TODAY.isoformat() and revoked["active"] is False
    assert revoked["removalReason"] == REVOCATION_REASONS[RevocationGround.PENALTY_ANNULLED]
    # The annulled penalty cannot list the enterprise again.
    assert "already on the serious-dishonesty list" in refused(
        await run(client, LIST_SERIOUS, _vars(uscc, penalty_id)))


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("removed", "already removed"),
        ("department", "comes from source 'credit'"),
        ("abnormal", "not on the SERIOUS_DISHONESTY list"),
        ("missing", "no list entry"),
    ],
)
async def test_revocation_is_refused_naming_the_unmet_condition(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], setup: str, expected: str
) -> None:
    pool = clean_archive
    uscc = await enterprise(pool, 1)
    penalty_id = await heavy_penalty(pool, uscc, NUMBER, DECIDED)
    entry_id = (await _listed(client, uscc, penalty_id))["id"]
    if setup == "missing":
        entry_id = str(int(entry_id) + 1000)
    else:
        entry_id = await _prepare_early_removal(client, pool, uscc, entry_id, setup)
    before = await archive_state(pool)
    assert expected in refused(await run(client, REVOKE_LISTING, {"id": entry_id}))
    assert await archive_state(pool) == before
