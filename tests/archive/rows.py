"""Archive rows for tests of reads, written through the archive's own write path.

`put_record` upserts a record by (source, kind, record id), appends its version and, for a
registration, keeps the enterprise index row current; the record builders give valid
records with few arguments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg

from adapters.mapping import Mapped
from gateway import records
from gateway.archive import Queryable, store
from gateway.database import Connection
from gateway.records import KeyArea, Record
from gateway.uscc import make

RECEIVED = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC)

DEPARTMENTS = {
    records.RecordKind.REGISTRATION: ("registration", "登记注册"),
    records.RecordKind.LICENSE: ("licensing", "行政许可"),
    records.RecordKind.PENALTY: ("enforcement", "执法稽查"),
    records.RecordKind.INSPECTION: ("inspection", "监督检查"),
    records.RecordKind.LISTING: ("credit", "信用监管"),
    records.RecordKind.COMMITMENT: ("credit", "信用监管"),
}


def code(n: int, division: str = "440507") -> str:
    """A valid enterprise USCC numbered `n` in `division`."""
    return make(f"91{division}{n:09d}")


async def put_record(
    conn: Queryable,
    record: Record,
    *,
    record_id: str | None = None,
    source: str | None = None,
    received_at: dt.datetime = RECEIVED,
    source_updated_at: dt.datetime | None = None,
    key_areas: tuple[KeyArea, ...] = (),
) -> str:
    """Insert a record, or a new version of it, through the archive's own write path;
    returns its archive id."""
    default_source, department = DEPARTMENTS[record.KIND]
    key = record_id or _natural_id(record)
    mapped = Mapped(record.KIND, key, record, source_updated_at)
    async with _connection(conn) as c, c.transaction():
        await store.write_records(
            c,
            source or default_source,
            department,
            [store.prepare(mapped, record.KIND.value.lower())],
            received_at,
        )
        if key_areas:
            await c.execute(
                "UPDATE enterprises SET key_areas = $2 WHERE uscc = $1",
                record.uscc,
                [k.value for k in key_areas],
            )
        pk: int = await c.fetchval(
            "SELECT id FROM records WHERE source = $1 AND kind = $2 AND record_id = $3",
            source or default_source,
            record.KIND.value,
            key,
        )
    return str(pk)


@contextlib.asynccontextmanager
async def _connection(conn: Queryable) -> AsyncIterator[Connection]:
    if isinstance(conn, asyncpg.Pool):
        async with conn.acquire() as acquired:
            yield acquired
    else:
        yield conn


def _natural_id(record: Record) -> str:
    match record:
        case records.Registration():
            return record.uscc
        case records.License():
            return record.number
        case records.Penalty():
            return record.decision_number
        case records.Inspection():
            return record.reference
        case records.Listing():
            return f"{record.kind}:{record.listed_on}:{record.uscc}"
        case records.Commitment():
            return f"{record.kind}:{record.committed_on}:{record.uscc}"


def registration(uscc: str, name: str, **fields: Any) -> records.Registration:
    values: dict[str, Any] = {
        "status": records.EnterpriseStatus.OPERATING,
        "division": uscc[2:8],
        "legal_representative": "陈明",
        "registered_capital": Decimal("2000000"),
        "established_on": dt.date(2012, 3, 15),
        "address": "汕头市龙湖区长平路 88 号",
        "industry": "C1391",
        "entity_type": "有限责任公司",
        "registration_authority": "汕头市市场监督管理局",
    }
    return records.Registration(uscc=uscc, name=name, **(values | fields))


def licence(uscc: str, number: str, issued_on: dt.date | None, **fields: Any) -> records.License:
    start = issued_on or dt.date(2020, 1, 1)
    values: dict[str, Any] = {
        "title": "食品生产许可证",
        "issued_by": "汕头市市场监督管理局",
        "status": records.LicenseStatus.VALID,
        "key_area": KeyArea.FOOD_PRODUCTION,
        "valid_from": issued_on,
        "valid_until": start + dt.timedelta(days=5 * 365),
    }
    return records.License(uscc=uscc, number=number, issued_on=issued_on, **(values | fields))


def penalty(uscc: str, number: str, decided_on: dt.date, **fields: Any) -> records.Penalty:
    values: dict[str, Any] = {
        "authority": "汕头市市场监督管理局",
        "violation": "生产不符合食品安全标准的食品",
        "measures": (records.PenaltyMeasure.FINE,),
        "procedure": records.PenaltyProcedure.ORDINARY,
        "fine_amount": Decimal("80000"),
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
    }
    return records.Penalty(
        uscc=uscc, decision_number=number, decided_on=decided_on, **(values | fields)
    )


def inspection(uscc: str, reference: str, on: dt.date, **fields: Any) -> records.Inspection:
    values: dict[str, Any] = {
        "kind": records.InspectionKind.RANDOM,
        "authority": "汕头市龙湖区市场监督管理局",
        "result": records.InspectionResult.NO_PROBLEM,
    }
    return records.Inspection(uscc=uscc, reference=reference, inspected_on=on, **(values | fields))


def listing(
    uscc: str, kind: records.ListKind, listed_on: dt.date, **fields: Any
) -> records.Listing:
    values: dict[str, Any] = {
        "enterprise_name": "汕头市测试食品有限公司",
        "reason": "未按规定报送年度报告",
        "listed_by": "汕头市市场监督管理局",
    }
    return records.Listing(uscc=uscc, kind=kind, listed_on=listed_on, **(values | fields))


def commitment(uscc: str, on: dt.date, **fields: Any) -> records.Commitment:
    values: dict[str, Any] = {
        "kind": "告知承诺制审批",
        "content": "承诺所提交材料真实有效",
        "status": records.CommitmentStatus.IN_FORCE,
    }
    return records.Commitment(uscc=uscc, committed_on=on, **(values | fields))
