"""Profiles as they held at an instant (for verifications as of a past instant)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest

from gateway.archive.valid_time import load_profiles_valid_at
from gateway.records import EnterpriseStatus, ListKind
from tests.archive.rows import code, listing, put_record, registration

UTC = dt.UTC


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=UTC)


async def test_the_registration_as_updated_by_then_and_other_records_as_known_now(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    uscc = code(900)
    pool = clean_archive
    await put_record(pool, registration(uscc, "旧名称有限公司", established_on=dt.date(2015, 3, 1)),
                     source_updated_at=_at("2023-05-01"), received_at=_at("2025-01-01"))
    await put_record(pool, registration(uscc, "新名称有限公司", established_on=dt.date(2015, 3, 1),
                                        status=EnterpriseStatus.DEREGISTERED),
                     source_updated_at=_at("2025-06-01"), received_at=_at("2025-06-02"))
    # learnt in 2025 (second version), the removal dates from 2024
    entry = listing(uscc, ListKind.ABNORMAL_OPERATIONS, dt.date(2022, 1, 5))
    await put_record(pool, entry, received_at=_at("2025-01-01"))
    removed = listing(uscc, ListKind.ABNORMAL_OPERATIONS, dt.date(2022, 1, 5),
                      removed_on=dt.date(2024, 2, 1))
    await put_record(pool, removed, received_at=_at("2025-07-01"))

    cases = {
        "2014-01-01": None,  # not yet established
        "2020-01-01": ("旧名称有限公司", EnterpriseStatus.OPERATING),  # first version, established
        "2024-01-01": ("旧名称有限公司", EnterpriseStatus.OPERATING),
        "2025-07-01": ("新名称有限公司", EnterpriseStatus.DEREGISTERED),
    }
    for day, expected in cases.items():
        found = (await load_profiles_valid_at(pool, [uscc], _at(day))).get(uscc)
        if expected is None:
            assert found is None, day
            continue
        assert found is not None, day
        assert (found.registration.record.name, found.registration.record.status) == expected
        assert [s.record.removed_on for s in found.listings] == [dt.date(2024, 2, 1)], day


async def test_a_naive_instant_is_refused(clean_archive: asyncpg.Pool[Any]) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await load_profiles_valid_at(clean_archive, [code(1)], dt.datetime(2024, 1, 1))
