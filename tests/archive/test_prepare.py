"""Canonical payloads and hashes: the field-value path sync takes writes the very bytes the
record path writes, and those bytes never change (a changed byte would make every record of a
re-sync look changed and write a new version of it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import orjson
import pytest

from adapters.mapping import Mapped, MappedFields
from gateway.archive.grams import SEPARATOR, name_grams
from gateway.archive.store import prepare
from gateway.records import (
    Commitment,
    CommitmentStatus,
    EnterpriseStatus,
    Inspection,
    InspectionKind,
    InspectionResult,
    KeyArea,
    License,
    LicenseStatus,
    Listing,
    ListKind,
    Penalty,
    PenaltyMeasure,
    PenaltyProcedure,
    Record,
    Registration,
    canonical_json,
    canonical_json_of_fields,
    to_payload,
)

USCC = "91440507MA4UB0002X"
REGISTRATION = Registration(
    uscc=USCC,
    name="汕头市龙湖区\u201c海滨\u201d食品有限公司",
    status=EnterpriseStatus.OPERATING,
    division="440507",
    former_names=("汕头市海滨食品厂", 'Haibin "Foods"\tLtd'),
    registered_capital=Decimal("5E+5"),
    established_on=dt.date(999, 1, 2),
    address="汕头市龙湖区\\海滨路\u20281号\x01",
    industry="C1491",
)
RECORDS: list[Record] = [
    REGISTRATION,
    Registration(uscc=USCC, name="X", status=EnterpriseStatus.MOVED_OUT, division="440500"),
    License(
        uscc=USCC, number="SC10644050700123", title="食品生产许可证", issued_by="汕头市局",
        status=LicenseStatus.VALID, key_area=KeyArea.FOOD_PRODUCTION,
        valid_until=dt.date(2028, 6, 30),
    ),
    Penalty(
        uscc=USCC, decision_number="汕市监罚〔2024〕12号", decided_on=dt.date(2024, 3, 1),
        authority="汕头市市场监督管理局", violation="超过保质期",
        measures=(PenaltyMeasure.WARNING, PenaltyMeasure.FINE),
        procedure=PenaltyProcedure.ORDINARY, fine_amount=Decimal("5000.5"),
        confiscated_amount=Decimal(0),
    ),
    Inspection(
        uscc=USCC, reference="JC-1", kind=InspectionKind.SAMPLING, inspected_on=dt.date(2024, 1, 1),
        authority="汕头市局", result=InspectionResult.SAMPLE_QUALIFIED, product="",
    ),
    Listing(
        uscc=USCC, kind=ListKind.ABNORMAL_OPERATIONS, enterprise_name="海滨", reason="失联",
        listed_on=dt.date(2023, 5, 1), listed_by="汕头市局", removed_on=dt.date(2024, 5, 1),
    ),
    Commitment(
        uscc=USCC, kind="告知承诺", content="按期提交", committed_on=dt.date(2022, 2, 8),
        status=CommitmentStatus.IN_FORCE,
    ),
]


def _fields(record: Record) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_field_values_encode_as_their_record(record: Record) -> None:
    assert canonical_json_of_fields(_fields(record)) == canonical_json(record)
    assert canonical_json(record) == orjson.dumps(to_payload(record), option=orjson.OPT_SORT_KEYS)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_sync_and_record_paths_prepare_the_same_row(record: Record) -> None:
    at = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC)
    fast = prepare(MappedFields(record.KIND, "7", _fields(record), at), "feed")
    slow = prepare(Mapped(record.KIND, "7", record, at), "feed")
    assert dataclasses.astuple(fast)[:-1] == dataclasses.astuple(slow)[:-1]
    assert _grams(fast.grams) == _grams(slow.grams)


def test_the_stored_bytes_of_a_registration_are_fixed() -> None:
    expected = (
        '{"address":"汕头市龙湖区\\\\海滨路\u20281号\\u0001","division":"440507",'
        '"established_on":"0999-01-02","former_names":["汕头市海滨食品厂",'
        '"Haibin \\"Foods\\"\\tLtd"],"industry":"C1491",'
        '"name":"汕头市龙湖区\u201c海滨\u201d食品有限公司","registered_capital":"5E+5",'
        '"status":"OPERATING","uscc":"91440507MA4UB0002X"}'
    ).encode()
    assert canonical_json_of_fields(_fields(REGISTRATION)) == expected
    incoming = prepare(MappedFields(REGISTRATION.KIND, "1", _fields(REGISTRATION), None), "f")
    assert incoming.content_hash == hashlib.sha256(expected).digest()


def test_configured_fields_only_and_empty_values_are_left_out() -> None:
    fields = {"uscc": USCC, "name": "海滨", "status": EnterpriseStatus.OPERATING,
              "division": "440507", "former_names": (), "address": None}
    assert canonical_json_of_fields(fields) == canonical_json(Registration(**fields))
    assert b"former_names" not in canonical_json_of_fields(fields)


def test_values_no_record_holds_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json_of_fields({"uscc": USCC, "name": object()})


def _grams(joined: str | None) -> set[str] | None:
    return None if joined is None else set(joined.split(SEPARATOR))


def test_registration_grams_cover_every_name() -> None:
    incoming = prepare(MappedFields(REGISTRATION.KIND, "1", _fields(REGISTRATION), None), "f")
    expected = set().union(*(name_grams(n) for n in (REGISTRATION.name, *REGISTRATION.former_names)))
    assert _grams(incoming.grams) == expected
