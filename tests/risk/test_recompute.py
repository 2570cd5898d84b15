"""Indicators read from a small seeded archive, and assessing everyone (`risk recompute`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.cli import main
from gateway.clock import utcnow
from gateway.records import EnterpriseStatus, InspectionKind, InspectionResult, KeyArea, ListKind
from gateway.risk.archive import load_indicators
from gateway.risk.config import load_models
from gateway.risk.recompute import recompute_all
from gateway.rules.calendar import local_date
from tests.archive.rows import code, inspection, licence, listing, penalty, put_record, registration
from tests.risk.seed import seed

MODELS = load_models()


async def test_indicators_count_each_kind_of_record(clean_archive: asyncpg.Pool[Any]) -> None:
    day = dt.date(2026, 6, 1)
    s = await seed(clean_archive, day)
    async with clean_archive.acquire() as conn:
        found = {i.uscc: i for i in await load_indicators(conn, list(vars(s).values()), day)}
    assert found[s.clean].clean_inspections == 1 and (found[s.clean].age_years or 0) > 20
    fined = found[s.fined]
    assert (fined.general_penalties, fined.abnormal_listings, fined.serious_listings) == (1, 1, 0)
    revoked = found[s.revoked]
    assert revoked.status is EnterpriseStatus.REVOKED
    assert (revoked.serious_penalties, revoked.serious_listings) == (1, 1)
    assert (revoked.breached_commitments, revoked.revoked_licences) == (1, 1)
    food = found[s.food]
    assert food.key_areas == (KeyArea.FOOD_PRODUCTION,) and food.unqualified_samples == 1


async def test_records_after_the_day_and_old_ones_count_apart(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    uscc = code(7)
    day = dt.date(2026, 6, 1)
    await put_record(clean_archive, registration(uscc, "汕头市时间贸易有限公司"))
    await put_record(clean_archive, penalty(uscc, "P-old", dt.date(2020, 5, 1)))
    await put_record(clean_archive, penalty(uscc, "P-later", dt.date(2026, 7, 1)))
    await put_record(clean_archive, inspection(uscc, "I-bad", dt.date(2026, 1, 5),
                                              kind=InspectionKind.TARGETED,
                                              result=InspectionResult.RULE_VIOLATION))
    await put_record(clean_archive, inspection(uscc, "I-old", dt.date(2022, 1, 5),
                                              result=InspectionResult.RULE_VIOLATION))
    await put_record(clean_archive, listing(uscc, ListKind.ABNORMAL_OPERATIONS,
                                           dt.date(2024, 1, 1), removed_on=dt.date(2025, 1, 1)))
    await put_record(clean_archive, licence(uscc, "SC10644050700099", dt.date(2019, 1, 1)))
    async with clean_archive.acquire() as conn:
        [now] = await load_indicators(conn, [uscc], day)
        [then] = await load_indicators(conn, [uscc], dt.date(2024, 6, 1))
    assert (now.serious_penalties, now.old_penalties) == (0, 1)
    assert (now.negative_inspections, now.past_listings, now.abnormal_listings) == (1, 1, 0)
    assert (now.targeted_inspections, now.clean_inspections) == (1, 0)
    assert now.licence_lapsed  # expired 2023-12-31, none in force, operating
    assert (then.abnormal_listings, then.past_listings, then.licence_lapsed) == (1, 0, True)
    assert (then.negative_inspections, then.serious_penalties) == (1, 0)


async def test_related_parties_share_the_representative_s_identity_number(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    person = "44051119800101123X"
    mine, other, unrelated = code(11), code(12), code(13)
    await put_record(clean_archive, registration(mine, "甲公司",
                                                legal_representative_id_number=person))
    await put_record(clean_archive, registration(other, "乙公司", status=EnterpriseStatus.REVOKED,
                                                legal_representative_id_number=person))
    await put_record(clean_archive, registration(unrelated, "丙公司",
                                                status=EnterpriseStatus.REVOKED,
                                                legal_representative_id_number="x"))
    async with clean_archive.acquire() as conn:
        found = {i.uscc: i for i in await load_indicators(
            conn, [mine, other, unrelated], dt.date(2026, 6, 1))}
    assert (found[mine].related_parties, found[unrelated].related_parties) == (1, 0)


async def test_recompute_assesses_everyone_and_keeps_a_history_of_changes(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    s = await seed(clean_archive, local_date(utcnow()))
    started: list[int] = []
    totals: list[int] = []
    report = await recompute_all(clean_archive, MODELS, batch=2, on_start=started.append,
                                 on_batch=totals.append)
    assert (report.enterprises, started, sum(totals)) == (4, [4], 4)
    assert report.classes == {"A": 1, "B": 1, "C": 1, "D": 1}
    rows = {r["uscc"]: r for r in await clean_archive.fetch("SELECT * FROM risk_assessments")}
    assert [rows[u]["risk_class"] for u in (s.clean, s.food, s.fined, s.revoked)] == [
        "A", "B", "C", "D"]
    assert rows[s.food]["model"] == "food@2026.1"
    assert rows[s.clean]["model"] == "general@2026.1"
    await recompute_all(clean_archive, MODELS)  # nothing changed: no new history
    assert await _history_count(clean_archive) == 4
    await put_record(clean_archive, penalty(s.clean, "汕市监罚〔2026〕77号",
                                           local_date(utcnow()) - dt.timedelta(days=3)))
    await recompute_all(clean_archive, MODELS)
    assert await _history_count(clean_archive) == 5
    later = await clean_archive.fetchrow(
        "SELECT risk_class, assessed_at FROM risk_assessments WHERE uscc = $1", s.clean)
    assert later is not None
    assert later["risk_class"] != "A" and later["assessed_at"] > rows[s.clean]["assessed_at"]


async def _history_count(pool: asyncpg.Pool[Any]) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM risk_assessment_history")
    return count


async def test_the_command_assesses_everyone(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(clean_archive, local_date(utcnow()))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_DATA_DIR", str(tmp_path))
    # The command runs its own event loop: in a thread of its own.
    assert await asyncio.to_thread(main, ["risk", "recompute"]) == 0
    out = capsys.readouterr().out
    assert "assessed 4 enterprises" in out
    assert "key-supervision list refreshed" in out
    assert await clean_archive.fetchval("SELECT count(*) FROM risk_assessments") == 4


async def test_a_repaired_entry_no_longer_counts_and_a_fraudulent_repair_restarts_one(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    """The list rules of the publicity: an approved repair lifts an entry from its day; a
    repair revoked for fraud puts a serious entry back for a new 36-month term."""
    repaired, restarted = code(8), code(9)
    day = dt.date(2026, 6, 1)
    for uscc in (repaired, restarted):
        await put_record(clean_archive, registration(uscc, f"汕头市修复{uscc[-2:]}有限公司"))
    lifted = await put_record(clean_archive, listing(
        repaired, ListKind.ABNORMAL_OPERATIONS, dt.date(2025, 1, 1)))
    ended = await put_record(clean_archive, listing(
        restarted, ListKind.SERIOUS_DISHONESTY, dt.date(2022, 1, 1),
        expires_on=dt.date(2025, 1, 2)))
    now = dt.datetime.now(dt.UTC)
    for target, kind, status, decided, revoked in (
        (lifted, "ABNORMAL_LISTING", "APPROVED", dt.date(2026, 3, 1), None),
        (ended, "SERIOUS_LISTING", "REVOKED", dt.date(2023, 6, 1), dt.date(2025, 6, 1)),
    ):
        await clean_archive.execute(
            "INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status,"
            " commitment_text, applied_at, accept_due, accepted_at, decided_at, decided_on,"
            " revoked_at, revoked_on) VALUES ($1, (SELECT uscc FROM records WHERE id = $2),"
            " $2, $3, $4, '守信承诺', $5, $6, $5, $5, $6, $7, $8)",
            uuid.uuid4(), int(target), kind, status, now, decided,
            None if revoked is None else now, revoked)
    async with clean_archive.acquire() as conn:
        found = {i.uscc: i for i in await load_indicators(conn, [repaired, restarted], day)}
        [before] = await load_indicators(conn, [repaired], dt.date(2026, 2, 1))
    assert (found[repaired].abnormal_listings, before.abnormal_listings) == (0, 1)
    assert found[restarted].serious_listings == 1
