"""A small archive of enterprises whose records put them in known classes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg

from gateway import records
from gateway.records import (
    CommitmentStatus,
    EnterpriseStatus,
    InspectionKind,
    InspectionResult,
    KeyArea,
    ListKind,
    PenaltyMeasure,
)
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

TODAY = dt.date(2026, 6, 1)


@dataclasses.dataclass(frozen=True)
class Seeded:
    clean: str
    """Long established, inspected without problems: class A."""
    fined: str
    """A recent general penalty and an abnormal-list entry: class C."""
    revoked: str
    """Revoked business licence, on the serious list: class D."""
    food: str
    """A food producer with an unqualified sample (the food model)."""


async def seed(pool: asyncpg.Pool[Any], today: dt.date = TODAY) -> Seeded:
    """Four enterprises in division 440507 (the food producer in 440511)."""
    clean, fined, revoked = code(1), code(2), code(3)
    food = code(4, "440511")
    await put_record(pool, registration(clean, "汕头市清白贸易有限公司",
                                        established_on=dt.date(2005, 1, 1)))
    await put_record(pool, inspection(clean, "C1", today - dt.timedelta(days=100)))
    await _fined(pool, fined, today)
    await _revoked(pool, revoked, today)
    await put_record(pool, registration(food, "汕头市美味食品有限公司",
                                        established_on=dt.date(2020, 1, 1)),
                     key_areas=(KeyArea.FOOD_PRODUCTION,))
    await put_record(pool, inspection(food, "S1", today - dt.timedelta(days=30),
                                      kind=InspectionKind.SAMPLING,
                                      result=InspectionResult.SAMPLE_UNQUALIFIED))
    return Seeded(clean, fined, revoked, food)


async def _fined(pool: asyncpg.Pool[Any], uscc: str, today: dt.date) -> None:
    await put_record(pool, registration(uscc, "汕头市罚款实业有限公司",
                                        established_on=dt.date(2018, 1, 1)))
    await put_record(pool, penalty(uscc, "汕市监罚〔2026〕1号", today - dt.timedelta(days=60),
                                   fine_amount=Decimal("80000"), violation="虚假宣传",
                                   legal_basis="《中华人民共和国反不正当竞争法》第二十条"))
    await put_record(pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS,
                                   today - dt.timedelta(days=20)))


async def _revoked(pool: asyncpg.Pool[Any], uscc: str, today: dt.date) -> None:
    await put_record(pool, registration(uscc, "汕头市吊销贸易有限公司",
                                        status=EnterpriseStatus.REVOKED,
                                        established_on=dt.date(2015, 1, 1)))
    await put_record(pool, penalty(uscc, "汕市监罚〔2025〕9号", today - dt.timedelta(days=300),
                                   measures=(PenaltyMeasure.BUSINESS_LICENSE_REVOCATION,)))
    await put_record(pool, listing(uscc, ListKind.SERIOUS_DISHONESTY,
                                   today - dt.timedelta(days=200),
                                   decision_number="汕市监罚〔2025〕9号"))
    await put_record(pool, commitment(uscc, today - dt.timedelta(days=400),
                                      status=CommitmentStatus.BREACHED,
                                      checked_on=today - dt.timedelta(days=380)))
    await put_record(pool, licence(uscc, "SC10644050700011", dt.date(2016, 1, 1),
                                   status=records.LicenseStatus.REVOKED))
