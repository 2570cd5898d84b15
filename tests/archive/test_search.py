from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import asyncpg
import pytest

from gateway.archive.search import (
    EnterpriseFilter,
    InvalidSearchError,
    count_enterprises,
    search_enterprises,
)
from gateway.records import EnterpriseStatus, KeyArea, ListKind
from tests.archive.rows import code, listing, put_record, registration

TODAY = dt.date(2025, 6, 1)
LONGHU, JINPING, CHAONAN = "440507", "440511", "440514"


async def _put(pool: asyncpg.Pool[Any], n: int, name: str, division: str = LONGHU,
               **fields: Any) -> str:
    uscc = code(n, division)
    key_areas = fields.pop("key_areas", ())
    await put_record(pool, registration(uscc, name, **fields), key_areas=key_areas)
    return uscc


async def _search(pool: asyncpg.Pool[Any], first: int = 100, after: str | None = None,
                  **filters: Any) -> list[str]:
    page = await search_enterprises(pool, EnterpriseFilter(**filters), first=first, after=after,
                                    today=TODAY)
    return [hit.uscc for hit in page.hits]


@pytest.fixture
async def named(clean_archive: asyncpg.Pool[Any]) -> dict[str, str]:
    """Enterprises whose names rank differently for the query 食品."""
    pool = clean_archive
    return {
        "exact": await _put(pool, 1, "食品"),
        "prefix": await _put(pool, 2, "食品加工厂"),
        "long_substring": await _put(pool, 3, "汕头市金平区某某食品有限公司"),
        "short_substring": await _put(pool, 4, "潮南食品"),
        "former": await _put(pool, 5, "汕头宏达贸易有限公司", former_names=("宏达食品厂",)),
        "latin": await _put(pool, 6, "Shantou Chenghai Toys Co., Ltd.", former_names=("Old Toy",)),
        "split_grams": await _put(pool, 7, "汕头金平食品", former_names=("品厂旧址",)),
        "unrelated": await _put(pool, 8, "汕头市龙湖区纺织有限公司"),
    }


async def test_name_search_ranks_exact_prefix_substring_then_former(
    clean_archive: asyncpg.Pool[Any], named: dict[str, str],
) -> None:
    found = await _search(clean_archive, name="食品")
    expected = ["exact", "prefix", "short_substring", "split_grams", "long_substring", "former"]
    assert found == [named[k] for k in expected]


async def test_name_search_finds_former_names_and_substrings(
    clean_archive: asyncpg.Pool[Any], named: dict[str, str],
) -> None:
    assert await _search(clean_archive, name="宏达食品") == [named["former"]]
    assert await _search(clean_archive, name="贸易") == [named["former"]]
    assert await _search(clean_archive, name=" 金平区某某 ") == [named["long_substring"]]


async def test_name_search_rechecks_the_exact_substring(
    clean_archive: asyncpg.Pool[Any], named: dict[str, str],
) -> None:
    # Every gram of 食品厂 is among the grams of "汕头金平食品" + "品厂旧址", yet neither name
    # contains 食品厂; nor does 食品加工厂. Only the former name 宏达食品厂 does.
    assert await _search(clean_archive, name="食品厂") == [named["former"]]
    assert await _search(clean_archive, name="不存在") == []


async def test_latin_names_match_case_insensitively(
    clean_archive: asyncpg.Pool[Any], named: dict[str, str],
) -> None:
    assert await _search(clean_archive, name="toys co") == [named["latin"]]
    assert await _search(clean_archive, name="CHENGHAI") == [named["latin"]]
    assert await _search(clean_archive, name="old toy") == [named["latin"]]


async def test_prefix_division_key_area_and_status_filters(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    pool = clean_archive
    a = await _put(pool, 1, "甲食品厂", LONGHU, key_areas=(KeyArea.FOOD_PRODUCTION,))
    b = await _put(pool, 2, "乙锅炉厂", JINPING, key_areas=(KeyArea.SPECIAL_EQUIPMENT_PRODUCTION,))
    c = await _put(pool, 3, "丙制衣厂", CHAONAN, status=EnterpriseStatus.REVOKED)
    d = await _put(pool, 4, "丁食品厂", JINPING, key_areas=(KeyArea.FOOD_PRODUCTION,))
    assert await _search(pool) == sorted([a, b, c, d])
    assert await _search(pool, uscc_prefix="91440511") == sorted([b, d])
    assert await _search(pool, uscc_prefix=" 9144051 ") == sorted([b, c, d])
    assert await _search(pool, uscc_prefix="914405") == sorted([a, b, c, d])
    assert await _search(pool, uscc_prefix=d.lower()) == [d]
    assert await _search(pool, division="4405") == sorted([a, b, c, d])
    assert await _search(pool, division="440511") == sorted([b, d])
    assert await _search(pool, division="4406") == []
    assert await _search(pool, key_area=KeyArea.FOOD_PRODUCTION) == sorted([a, d])
    assert await _search(pool, status=EnterpriseStatus.REVOKED) == [c]
    assert await _search(pool, name="食品", division="440511") == [d]
    assert await count_enterprises(pool, EnterpriseFilter(division="4405"), today=TODAY) == 4
    assert await count_enterprises(
        pool, EnterpriseFilter(name="食品厂", key_area=KeyArea.FOOD_PRODUCTION), today=TODAY
    ) == 2


async def test_listed_filter_takes_only_active_entries(clean_archive: asyncpg.Pool[Any]) -> None:
    pool = clean_archive
    abnormal = await _put(pool, 1, "异常企业")
    removed = await _put(pool, 2, "已移出企业")
    serious = await _put(pool, 3, "严重失信企业")
    expired = await _put(pool, 4, "期满企业")
    await _put(pool, 5, "守信企业")
    abnormal_list, serious_list = ListKind.ABNORMAL_OPERATIONS, ListKind.SERIOUS_DISHONESTY
    await put_record(pool, listing(abnormal, abnormal_list, dt.date(2025, 1, 1)))
    await put_record(pool, listing(removed, abnormal_list, dt.date(2024, 1, 1),
                                   removed_on=dt.date(2024, 9, 1)))
    await put_record(pool, listing(serious, serious_list, dt.date(2023, 1, 1),
                                   expires_on=dt.date(2026, 1, 1)))
    await put_record(pool, listing(expired, serious_list, dt.date(2022, 1, 1), expires_on=TODAY))
    assert await _search(pool, listed=abnormal_list) == [abnormal]
    assert await _search(pool, listed=serious_list) == [serious]
    assert await count_enterprises(pool, EnterpriseFilter(listed=abnormal_list), today=TODAY) == 1


async def _all_pages(pool: asyncpg.Pool[Any], size: int, **filters: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    after = None
    while True:
        page = await search_enterprises(pool, EnterpriseFilter(**filters), first=size,
                                        after=after, today=TODAY)
        pages.append([hit.uscc for hit in page.hits])
        if not page.has_next_page:
            return pages
        assert page.end_cursor is not None
        after = page.end_cursor


async def test_pages_by_code_have_no_duplicates_or_gaps(clean_archive: asyncpg.Pool[Any]) -> None:
    codes = [await _put(clean_archive, n, f"企业{n}") for n in range(1, 24)]
    pages = await _all_pages(clean_archive, 5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [c for p in pages for c in p] == sorted(codes)


async def test_pages_by_relevance_have_no_duplicates_or_gaps(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    names = ["食品", "食品厂", "食品有限公司", "汕头食品", "汕头市食品厂", "龙湖食品有限公司",
             "澄海食品", "金平食品", "潮阳食品", "濠江食品", "旧名企业"]
    codes = [await _put(clean_archive, n, name) for n, name in enumerate(names, start=1)]
    await _put(clean_archive, 50, "新名企业", former_names=("南澳食品",))
    everything = await _search(clean_archive, name="食品")
    pages = await _all_pages(clean_archive, 3, name="食品")
    assert [c for p in pages for c in p] == everything
    assert len(everything) == 11 and len(set(everything)) == 11
    assert everything[:2] == codes[:2]
    assert everything[-1] == code(50)
    assert all(len(p) == 3 for p in pages[:-1])


async def test_empty_result_has_no_cursor(clean_archive: asyncpg.Pool[Any]) -> None:
    page = await search_enterprises(clean_archive, EnterpriseFilter(name="无"), first=5,
                                    after=None, today=TODAY)
    assert page.hits == () and page.end_cursor is None and not page.has_next_page


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    ("filters", "first", "after", "message"),
    [
        ({}, 0, None, "first"),
        ({}, 101, None, "first"),
        ({}, -1, None, "first"),
        ({}, 10, "not a cursor!", "after"),
        ({}, 10, "", "after"),
        ({}, 10, _b64([1, 2]), "after"),
        ({}, 10, _b64({"m": "code", "u": "x"}), "after"),
        ({}, 10, _b64({"m": "code", "u": "91440507000000001'"}), "after"),
        ({}, 10, _b64({"m": "name", "r": 0, "l": 3, "u": code(1)}), "after"),
        ({"name": "食品"}, 10, _b64({"m": "code", "u": code(1)}), "after"),
        ({"name": "食品"}, 10, _b64({"m": "name", "r": "0", "l": 3, "u": code(1)}), "after"),
        ({"name": "食品"}, 10, _b64({"m": "name", "r": 9, "l": 3, "u": code(1)}), "after"),
        ({"name": "   "}, 10, None, "filter.name"),
        ({"name": "x" * 101}, 10, None, "filter.name"),
        ({"division": "4"}, 10, None, "filter.division"),
        ({"division": "4405071"}, 10, None, "filter.division"),
        ({"division": "44a5"}, 10, None, "filter.division"),
        ({"division": "４４０５"}, 10, None, "filter.division"),  # full-width digits
        ({"uscc_prefix": ""}, 10, None, "filter.usccPrefix"),
        ({"uscc_prefix": "91I"}, 10, None, "filter.usccPrefix"),
        ({"uscc_prefix": "9144%"}, 10, None, "filter.usccPrefix"),
        ({"uscc_prefix": "9" * 19}, 10, None, "filter.usccPrefix"),
    ],
)
async def test_bad_arguments_are_refused_by_name(
    clean_archive: asyncpg.Pool[Any], filters: dict[str, Any], first: int, after: str | None,
    message: str,
) -> None:
    with pytest.raises(InvalidSearchError, match=f"^{message}"):
        await search_enterprises(clean_archive, EnterpriseFilter(**filters), first=first,
                                 after=after, today=TODAY)
