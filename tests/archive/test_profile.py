from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import pytest

from gateway.archive.profile import Profile, Stored, listing_active, load_profile, load_profiles
from gateway.records import KeyArea, ListKind, PenaltyMeasure
from tests.archive.rows import (
    RECEIVED,
    code,
    commitment,
    inspection,
    licence,
    listing,
    penalty,
    put_record,
    registration,
)

D = dt.date
UTC = dt.UTC


async def _full_enterprise(pool: asyncpg.Pool[Any], uscc: str) -> None:
    await put_record(pool, registration(uscc, "汕头市金平食品有限公司", former_names=("金平厂",)),
                     key_areas=(KeyArea.FOOD_PRODUCTION,),
                     source_updated_at=dt.datetime(2025, 5, 1, tzinfo=UTC))
    await put_record(pool, licence(uscc, "SC10644050700011", D(2021, 1, 5)))
    await put_record(pool, licence(uscc, "SC10644050700012", D(2023, 2, 6)))
    await put_record(pool, penalty(uscc, "汕市监罚〔2024〕7号", D(2024, 4, 1)))
    await put_record(pool, penalty(uscc, "汕市监罚〔2025〕12号", D(2025, 3, 9),
                                   measures=(PenaltyMeasure.WARNING,), fine_amount=None))
    await put_record(pool, inspection(uscc, "SJ-2025-001", D(2025, 1, 20)))
    await put_record(pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS, D(2024, 7, 1)))
    await put_record(pool, commitment(uscc, D(2024, 9, 30)))


async def test_profile_has_every_section_with_provenance(clean_archive: asyncpg.Pool[Any]) -> None:
    uscc = code(1)
    await _full_enterprise(clean_archive, uscc)
    profile = await load_profile(clean_archive, uscc)
    assert profile is not None
    assert profile.registration.record.name == "汕头市金平食品有限公司"
    assert profile.registration.record.former_names == ("金平厂",)
    assert profile.key_areas == (KeyArea.FOOD_PRODUCTION,)
    assert [s.record.number for s in profile.licenses] == ["SC10644050700012", "SC10644050700011"]
    assert [s.record.decided_on for s in profile.penalties] == [D(2025, 3, 9), D(2024, 4, 1)]
    assert len(profile.inspections) == len(profile.listings) == len(profile.commitments) == 1
    reg = profile.registration.provenance
    assert (reg.source, reg.department, reg.record_id) == ("registration", "登记注册", uscc)
    assert reg.source_updated_at == dt.datetime(2025, 5, 1, tzinfo=UTC)
    assert reg.received_at == RECEIVED
    penalty_source = profile.penalties[0].provenance
    assert (penalty_source.source, penalty_source.record_id) == ("enforcement", "汕市监罚〔2025〕12号")
    assert penalty_source.source_updated_at is None
    stored: list[Stored[Any]] = [profile.registration, *profile.licenses, *profile.penalties]
    ids = [s.id for s in stored]
    assert len(set(ids)) == len(ids) and all(i.isdigit() for i in ids)


async def test_unknown_code_and_code_without_registration_have_no_profile(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    orphan = code(2)
    await put_record(clean_archive, penalty(orphan, "汕市监罚〔2025〕1号", D(2025, 1, 1)))
    assert await load_profile(clean_archive, code(3)) is None
    assert await load_profile(clean_archive, orphan) is None


async def test_many_profiles_in_one_call(clean_archive: asyncpg.Pool[Any]) -> None:
    for n in (10, 11):
        await put_record(clean_archive, registration(code(n), f"企业{n}"))
    found = await load_profiles(clean_archive, [code(10), code(12), code(11)])
    assert sorted(found) == [code(10), code(11)]
    assert found[code(11)].registration.record.name == "企业11"
    assert await load_profiles(clean_archive, []) == {}


async def test_lists_sort_deterministically_when_dates_tie(clean_archive: asyncpg.Pool[Any]) -> None:
    uscc = code(4)
    await put_record(clean_archive, registration(uscc, "同日企业"))
    first = await put_record(clean_archive, inspection(uscc, "A", D(2025, 1, 1)))
    second = await put_record(clean_archive, inspection(uscc, "B", D(2025, 1, 1)))
    undated = await put_record(clean_archive, licence(uscc, "L0", None))
    dated = await put_record(clean_archive, licence(uscc, "L1", D(2019, 1, 1)))
    profile = await load_profile(clean_archive, uscc)
    assert profile is not None
    assert [s.id for s in profile.inspections] == [second, first]
    assert [s.id for s in profile.licenses] == [dated, undated]


async def test_as_of_reads_the_versions_received_by_then(clean_archive: asyncpg.Pool[Any]) -> None:
    uscc = code(5)
    early, late = RECEIVED, RECEIVED + dt.timedelta(days=30)
    await put_record(clean_archive, registration(uscc, "旧名称"), received_at=early)
    await put_record(clean_archive, registration(uscc, "新名称", former_names=("旧名称",)),
                     received_at=late)
    await put_record(clean_archive, penalty(uscc, "汕市监罚〔2025〕9号", D(2025, 6, 20)),
                     received_at=late)
    before = await load_profile(clean_archive, uscc, as_of=early - dt.timedelta(seconds=1))
    between = await load_profile(clean_archive, uscc, as_of=early + dt.timedelta(days=1))
    now = await load_profile(clean_archive, uscc)
    assert before is None
    assert between is not None and between.registration.record.name == "旧名称"
    assert between.penalties == ()
    assert between.registration.provenance.received_at == early
    assert now is not None and now.registration.record.name == "新名称"
    assert len(now.penalties) == 1


async def test_as_of_follows_a_record_that_moved_to_another_code(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    old, new = code(6), code(7)
    for uscc in (old, new):
        await put_record(clean_archive, registration(uscc, f"企业{uscc[-3:]}"))
    moved_at = RECEIVED + dt.timedelta(days=3)
    await put_record(clean_archive, penalty(old, "汕市监罚〔2025〕3号", D(2025, 5, 1)),
                     record_id="P3")
    await put_record(clean_archive, penalty(new, "汕市监罚〔2025〕3号", D(2025, 5, 1)),
                     record_id="P3", received_at=moved_at)
    at_first = await load_profile(clean_archive, old, as_of=RECEIVED + dt.timedelta(days=1))
    old_now = await load_profile(clean_archive, old, as_of=moved_at)
    new_now = await load_profile(clean_archive, new, as_of=moved_at)
    assert at_first is not None and len(at_first.penalties) == 1
    assert old_now is not None and old_now.penalties == ()
    assert new_now is not None and len(new_now.penalties) == 1


async def test_as_of_key_areas_come_from_tag_history(clean_archive: asyncpg.Pool[Any]) -> None:
    uscc = code(8)
    await put_record(clean_archive, registration(uscc, "标签企业"), key_areas=(KeyArea.SPECIAL_FOOD,))
    changes = [
        ("FOOD_PRODUCTION", "industry", "ADDED", RECEIVED),
        ("SPECIAL_FOOD", "license:1", "ADDED", RECEIVED + dt.timedelta(days=1)),
        ("SPECIAL_FOOD", "manual", "ADDED", RECEIVED + dt.timedelta(days=1)),
        ("FOOD_PRODUCTION", "industry", "REMOVED", RECEIVED + dt.timedelta(days=2)),
    ]
    for area, origin, change, at in changes:
        await clean_archive.execute(
            "INSERT INTO key_area_tag_changes (uscc, key_area, origin, change, reason, changed_at)"
            " VALUES ($1, $2, $3, $4, 'test', $5)", uscc, area, origin, change, at,
        )
    middle = await load_profile(clean_archive, uscc, as_of=RECEIVED + dt.timedelta(days=1, hours=1))
    assert middle is not None
    assert middle.key_areas == (KeyArea.FOOD_PRODUCTION, KeyArea.SPECIAL_FOOD)
    late = await load_profile(clean_archive, uscc, as_of=RECEIVED + dt.timedelta(days=3))
    assert late is not None and late.key_areas == (KeyArea.SPECIAL_FOOD,)


async def test_as_of_must_carry_a_time_zone(clean_archive: asyncpg.Pool[Any]) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await load_profile(clean_archive, code(1), as_of=dt.datetime(2025, 1, 1))


@pytest.mark.parametrize(
    ("removed_on", "expires_on", "active"),
    [
        (None, None, True),
        (None, D(2025, 6, 2), True),
        (None, D(2025, 6, 1), False),  # expires on that day: no longer in force
        (D(2025, 5, 1), None, False),
        (D(2025, 5, 1), D(2026, 1, 1), False),
    ],
)
def test_listing_active(removed_on: D | None, expires_on: D | None, active: bool) -> None:
    entry = listing(code(1), ListKind.SERIOUS_DISHONESTY, D(2024, 1, 1),
                    removed_on=removed_on, expires_on=expires_on)
    assert listing_active(entry, D(2025, 6, 1)) is active


async def test_one_round_trip_whatever_the_record_count(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    small, large = code(20), code(21)
    await put_record(clean_archive, registration(small, "小企业"))
    await put_record(clean_archive, registration(large, "大企业"))
    for i in range(199):
        await put_record(clean_archive, inspection(large, f"R{i}", D(2020, 1, 1) + dt.timedelta(i)))
    async with clean_archive.acquire() as conn:
        queries: list[str] = []

        def log(query: Any) -> None:
            queries.append(query.query)

        conn.add_query_logger(log)
        small_profile = await load_profile(conn, small)
        await asyncio.sleep(0)  # loggers are called soon after, not during, the query
        small_count = len(queries)
        large_profile = await load_profile(conn, large)
        await asyncio.sleep(0)
        large_count = len(queries) - small_count
        conn.remove_query_logger(log)
    assert isinstance(small_profile, Profile) and isinstance(large_profile, Profile)
    assert len(large_profile.inspections) == 199
    assert small_count == large_count == 1


async def test_one_code_reads_the_same_profile_as_a_list_holding_it(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    # One code goes through the scalar form of the query, a list through unnest: same rows.
    uscc, other = code(6), code(7)
    await _full_enterprise(clean_archive, uscc)
    await put_record(clean_archive, registration(other, "另一企业"))
    later = RECEIVED + dt.timedelta(days=1)
    for as_of in (None, later):
        alone = await load_profiles(clean_archive, [uscc], as_of=as_of)
        together = await load_profiles(clean_archive, [other, uscc], as_of=as_of)
        assert alone == {uscc: together[uscc]}
        assert await load_profiles(clean_archive, [code(8)], as_of=as_of) == {}


def test_a_per_code_query_names_its_codes_once() -> None:
    from gateway.archive.codes import PerCodeQuery

    query = PerCodeQuery.of("SELECT u.uscc FROM {codes}")
    assert query.many == "SELECT u.uscc FROM unnest($1::text[]) AS u(uscc)"
    assert query.one == "SELECT u.uscc FROM (SELECT $1::text AS uscc) AS u"
    for template in ("SELECT 1", "SELECT u.uscc FROM {codes} JOIN {codes}"):
        with pytest.raises(ValueError, match="exactly once"):
            PerCodeQuery.of(template)
