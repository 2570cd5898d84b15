"""Mapping: every conversion, with good and bad source values and the quarantine reasons."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.base import RawRow
from adapters.config import SourcesConfig
from adapters.mapping import (
    ROW_ERROR,
    ROW_RAW,
    SHANGHAI,
    Mapped,
    MappedFields,
    Mapper,
    Quarantined,
    json_safe,
)
from gateway.records import (
    EnterpriseStatus,
    KeyArea,
    License,
    LicenseStatus,
    Penalty,
    PenaltyMeasure,
    PenaltyProcedure,
    RecordKind,
    Registration,
    enum_of_value,
    from_payload,
    to_payload,
)
from tests.adapters.configs import (
    PENALTY_FIELDS,
    USCC_A,
    USCC_B,
    document,
    one_source,
    write_and_load,
)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SourcesConfig:
    return write_and_load(tmp_path_factory.mktemp("mapping"), document())


@pytest.fixture(scope="module")
def registration(config: SourcesConfig) -> Mapper:
    return Mapper(config.sources[0])


@pytest.fixture(scope="module")
def licensing(config: SourcesConfig) -> Mapper:
    return Mapper(config.sources[1])


@pytest.fixture(scope="module")
def enforcement(config: SourcesConfig) -> Mapper:
    return Mapper(config.sources[2])


ENTERPRISE: dict[str, Any] = {
    "nbxh": "4405000001",
    "tyshxydm": USCC_A,
    "qymc": "汕头市金平区海滨食品有限公司",
    "fddbr": "陈伟",
    "fddbrzjhm": "44051119850312123X",
    "lxdh": "13812345678",
    "zczb": "50",
    "clrq": "20150312",
    "djzt": "存续",
    "zs": "汕头市金平区海滨路1号",
    "hydm": "C1491",
    "djjg": "汕头市金平区市场监督管理局",
    "qylx": "有限责任公司(自然人投资或控股)",
    "cym": "汕头市海滨食品厂;汕头市海滨食品店",
    "xzqh": "440511",
    "gxsj": "2024-05-06 09:30:00",
}


def _enterprise(**changes: Any) -> RawRow:
    data = {**ENTERPRISE, **changes}  # a value of ... leaves the field out
    return RawRow("enterprises", "djzc_qyjbxx id=1", {k: v for k, v in data.items() if v != ...})


def _mapped(mapper: Mapper, row: RawRow) -> Mapped:
    outcome = mapper.map(row)
    assert isinstance(outcome, Mapped), outcome
    return outcome


def _reason(mapper: Mapper, row: RawRow) -> str:
    outcome = mapper.map(row)
    assert isinstance(outcome, Quarantined), outcome
    assert outcome.feed == row.feed and outcome.position == row.position
    json.dumps(outcome.raw, allow_nan=False)
    return outcome.reason


def test_a_registration_row_maps_every_field(registration: Mapper) -> None:
    mapped = _mapped(registration, _enterprise())
    assert mapped.record_id == "4405000001"
    assert mapped.source_updated_at == dt.datetime(2024, 5, 6, 9, 30, tzinfo=SHANGHAI)
    assert mapped.record == Registration(
        uscc=USCC_A,
        name="汕头市金平区海滨食品有限公司",
        status=EnterpriseStatus.OPERATING,
        division="440511",
        former_names=("汕头市海滨食品厂", "汕头市海滨食品店"),
        entity_type="有限责任公司(自然人投资或控股)",
        legal_representative="陈伟",
        legal_representative_id_number="44051119850312123X",
        registered_capital=Decimal(500000),
        established_on=dt.date(2015, 3, 12),
        address="汕头市金平区海滨路1号",
        industry="C1491",
        registration_authority="汕头市金平区市场监督管理局",
        contact_phone="13812345678",
    )
    assert from_payload(mapped.kind, to_payload(mapped.record)) == mapped.record


def test_field_values_are_those_of_the_record(registration: Mapper) -> None:
    """Sync stores a row's field values without building its record: they must agree."""
    row = _enterprise(fddbrzjhm="", cym=...)
    fields = registration.map_fields(row)
    assert isinstance(fields, MappedFields)
    mapped = _mapped(registration, row)
    assert fields.mapped() == mapped
    assert fields.fields["uscc"] == USCC_A and fields.fields["former_names"] == ()
    assert fields.fields["legal_representative_id_number"] is None
    assert isinstance(registration.map_fields(_enterprise(tyshxydm="bad")), Quarantined)


def test_payloads_stored_before_the_personal_fields_still_decode(registration: Mapper) -> None:
    stored: dict[str, Any] = {  # as the archive's jsonb column gives it back
        "uscc": USCC_A, "name": "汕头市金平区海滨食品有限公司", "status": "OPERATING",
        "division": "440511", "legal_representative": "陈伟", "registered_capital": "500000",
        "established_on": "2015-03-12", "address": "汕头市金平区海滨路1号",
    }
    record = from_payload(RecordKind.REGISTRATION, stored)
    assert isinstance(record, Registration)
    assert record.legal_representative_id_number is None and record.contact_phone is None
    assert record.registered_capital == Decimal(500000) and record.legal_representative == "陈伟"
    assert to_payload(record) == stored
    unknown = _mapped(registration, _enterprise(fddbrzjhm="", lxdh=None)).record
    payload = to_payload(unknown)
    assert "legal_representative_id_number" not in payload and "contact_phone" not in payload


def test_stored_enum_values_decode_to_their_members_and_unknown_ones_are_refused() -> None:
    status = enum_of_value(EnterpriseStatus)
    assert [status(m.value) for m in EnterpriseStatus] == list(EnterpriseStatus)
    for bad in ("operating", "", None, 1, ["OPERATING"]):
        with pytest.raises(ValueError, match="is not a valid EnterpriseStatus"):
            status(bad)
    stored = {"uscc": USCC_A, "name": "汕头市金平区海滨食品有限公司", "status": "存续",
              "division": "440511"}
    with pytest.raises(ValueError, match="'存续' is not a valid EnterpriseStatus"):
        from_payload(RecordKind.REGISTRATION, stored)  # a payload no mapping could have made


def test_values_as_postgres_gives_them(registration: Mapper) -> None:
    row = _enterprise(
        nbxh=42, zczb=Decimal("12.3400"), clrq=dt.datetime(2015, 3, 11, 17, 0, tzinfo=dt.UTC),
        gxsj=dt.datetime(2024, 5, 6, 9, 30), cym=["甲公司", "乙公司"],
    )
    mapped = _mapped(registration, row)
    assert mapped.record_id == "42"
    assert isinstance(mapped.record, Registration)
    assert mapped.record.registered_capital == Decimal(123400)
    assert mapped.record.established_on == dt.date(2015, 3, 12)  # 01:00 in Shanghai
    assert mapped.record.former_names == ("甲公司", "乙公司")
    assert mapped.source_updated_at == dt.datetime(2024, 5, 6, 9, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"tyshxydm": f"  {USCC_A.lower()} "}, "uscc", USCC_A),
        ({"qymc": "  汕头市海滨公司\t"}, "name", "汕头市海滨公司"),
        ({"fddbr": "   "}, "legal_representative", None),
        ({"fddbr": ...}, "legal_representative", None),
        ({"fddbrzjhm": ""}, "legal_representative_id_number", None),
        ({"fddbrzjhm": " \t"}, "legal_representative_id_number", None),
        ({"fddbrzjhm": ...}, "legal_representative_id_number", None),
        ({"fddbrzjhm": " 44051119850312123x "}, "legal_representative_id_number",
         "44051119850312123x"),
        ({"fddbrzjhm": "H12345678"}, "legal_representative_id_number", "H12345678"),
        ({"lxdh": ""}, "contact_phone", None),
        ({"lxdh": "   "}, "contact_phone", None),
        ({"lxdh": None}, "contact_phone", None),
        ({"lxdh": ...}, "contact_phone", None),
        ({"lxdh": 13812345678}, "contact_phone", "13812345678"),
        ({"lxdh": " 0754-88123456 "}, "contact_phone", "0754-88123456"),
        ({"zczb": "1,234.50"}, "registered_capital", Decimal(12345000)),
        ({"zczb": "0.5"}, "registered_capital", Decimal(5000)),
        ({"zczb": 12}, "registered_capital", Decimal(120000)),
        ({"zczb": 1.5}, "registered_capital", Decimal(15000)),
        ({"zczb": "0.00001"}, "registered_capital", Decimal("0.1")),
        ({"zczb": ""}, "registered_capital", None),
        ({"clrq": dt.date(2001, 1, 2)}, "established_on", dt.date(2001, 1, 2)),
        ({"clrq": None}, "established_on", None),
        ({"djzt": " 在业 "}, "status", EnterpriseStatus.OPERATING),
        ({"djzt": "迁出"}, "status", EnterpriseStatus.MOVED_OUT),
        ({"cym": "甲;乙; 甲 ;;"}, "former_names", ("甲", "乙")),
        ({"cym": '["甲", "乙"]'}, "former_names", ("甲", "乙")),
        ({"cym": ""}, "former_names", ()),
        ({"cym": []}, "former_names", ()),
        ({"xzqh": ""}, "division", "440500"),
        ({"xzqh": ...}, "division", "440500"),
        ({"xzqh": 440507}, "division", "440507"),
    ],
)
def test_good_values(
    registration: Mapper, changes: dict[str, Any], field: str, expected: Any
) -> None:
    assert getattr(_mapped(registration, _enterprise(**changes)).record, field) == expected


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"tyshxydm": USCC_A[:17] + ("0" if USCC_A[17] != "0" else "1")},
         f'invalid USCC "{USCC_A[:17]}{"0" if USCC_A[17] != "0" else "1"}": wrong check character'),
        ({"tyshxydm": "9144"}, 'invalid USCC "9144": 4 characters, expected 18'),
        ({"tyshxydm": ""}, "missing required field uscc (source field tyshxydm)"),
        ({"qymc": ""}, "missing required field name (source field qymc)"),
        ({"qymc": ...}, "missing required field name (source field qymc)"),
        ({"qymc": "a\x00b"}, "value of qymc contains a NUL character"),
        ({"clrq": "20241301"}, 'unparseable date "20241301" in clrq'),
        ({"clrq": "2024-01-05"}, 'unparseable date "2024-01-05" in clrq'),
        ({"zczb": "abc"}, 'unparseable amount "abc" in zczb'),
        ({"zczb": "NaN"}, 'unparseable amount "NaN" in zczb'),
        ({"zczb": "Infinity"}, 'unparseable amount "Infinity" in zczb'),
        ({"zczb": Decimal("NaN")}, 'unparseable amount "NaN" in zczb'),
        ({"zczb": float("inf")}, 'unparseable amount "inf" in zczb'),
        ({"zczb": "1,23"}, 'unparseable amount "1,23" in zczb'),
        ({"zczb": "1e5"}, 'unparseable amount "1e5" in zczb'),
        ({"zczb": "50万"}, 'unparseable amount "50万" in zczb'),
        ({"zczb": True}, 'unparseable amount "True" in zczb'),
        ({"zczb": "-5"}, 'negative amount "-5" in zczb'),
        ({"djzt": "未知"}, 'value "未知" of djzt is not mapped'),
        ({"djzt": "OPERATING"}, 'value "OPERATING" of djzt is not mapped'),
        ({"djzt": ""}, "missing required field status (source field djzt)"),
        ({"nbxh": ""}, "missing record id (source field nbxh)"),
        ({"nbxh": ...}, "missing record id (source field nbxh)"),
        ({"gxsj": "yesterday"}, 'unparseable update time "yesterday" in gxsj'),
    ],
)
def test_bad_values_are_quarantined_with_a_reason(
    registration: Mapper, changes: dict[str, Any], reason: str
) -> None:
    assert _reason(registration, _enterprise(**changes)) == reason


def _licence(**changes: Any) -> RawRow:
    data = {
        "xkzh": "JY14405070012345", "tyshxydm": USCC_B, "xkmc": "食品经营许可证",
        "fzjg": "汕头市龙湖区市场监督管理局", "zt": "有效", "zdly": "FOOD_PRODUCTION",
        "fzrq": "2023-07-01", "yxqz": "2028-06-30", "gxsj": "2024-05-06T01:00:00Z",
    }
    data.update(changes)
    return RawRow("licences", "/licences id=JY14405070012345", data)


def test_enums_without_a_map_take_canonical_values(licensing: Mapper) -> None:
    mapped = _mapped(licensing, _licence())
    assert mapped.record == License(
        uscc=USCC_B, number="JY14405070012345", title="食品经营许可证",
        issued_by="汕头市龙湖区市场监督管理局", status=LicenseStatus.VALID,
        key_area=KeyArea.FOOD_PRODUCTION, issued_on=dt.date(2023, 7, 1),
        valid_until=dt.date(2028, 6, 30),
    )
    assert mapped.source_updated_at == dt.datetime(2024, 5, 6, 1, 0, tzinfo=dt.UTC)
    assert _reason(licensing, _licence(zdly="食品")) == 'value "食品" of zdly is not a KeyArea'
    assert _mapped(licensing, _licence(zdly="")).record.key_area is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023-07-01", dt.date(2023, 7, 1)), ("20230701", dt.date(2023, 7, 1)),
     ("2023-06-30T16:30:00+00:00", dt.date(2023, 7, 1)),
     ("2023-07-01 08:00:00", dt.date(2023, 7, 1))],
)
def test_iso_dates(licensing: Mapper, value: str, expected: dt.date) -> None:
    record = _mapped(licensing, _licence(fzrq=value)).record
    assert isinstance(record, License) and record.issued_on == expected


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "01/07/2023", "soon"])
def test_bad_iso_dates(licensing: Mapper, value: str) -> None:
    assert _reason(licensing, _licence(fzrq=value)) == f'unparseable date "{value}" in fzrq'


def _penalty(**changes: Any) -> RawRow:
    data = {
        "cfjdsh": "汕市监罚〔2024〕12号", "tyshxydm": USCC_A, "cfrq": "2024-03-01",
        "cfjg": "汕头市市场监督管理局", "wfxw": "生产经营超过保质期的食品",
        "cfzl": "警告、罚款", "fkje": "5,000.00", "mmje": "",
    }
    data.update(changes)
    return RawRow("penalties", "penalties-2024-03.csv:2", data)


def test_a_penalty_with_a_mapped_list_and_a_constant(enforcement: Mapper) -> None:
    mapped = _mapped(enforcement, _penalty())
    assert mapped.source_updated_at is None
    assert mapped.record == Penalty(
        uscc=USCC_A, decision_number="汕市监罚〔2024〕12号", decided_on=dt.date(2024, 3, 1),
        authority="汕头市市场监督管理局", violation="生产经营超过保质期的食品",
        measures=(PenaltyMeasure.WARNING, PenaltyMeasure.FINE),
        procedure=PenaltyProcedure.ORDINARY, fine_amount=Decimal(5000),
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"cfzl": "警告、吊销"}, 'value "吊销" of cfzl is not mapped'),
        ({"cfzl": "、"}, "missing required field measures (source field cfzl)"),
        ({"cfrq": ""}, "missing required field decided_on (source field cfrq)"),
        ({"fkje": "五千"}, 'unparseable amount "五千" in fkje'),
    ],
)
def test_bad_penalties(enforcement: Mapper, changes: dict[str, Any], reason: str) -> None:
    assert _reason(enforcement, _penalty(**changes)) == reason


def test_rows_the_connector_could_not_parse_are_quarantined(enforcement: Mapper) -> None:
    row = RawRow("penalties", "p.jsonl:3", {ROW_ERROR: "bad JSON: Expecting value", ROW_RAW: "{x"})
    outcome = enforcement.map(row)
    assert outcome == Quarantined(
        "penalties", "p.jsonl:3", "bad JSON: Expecting value",
        {ROW_ERROR: "bad JSON: Expecting value", ROW_RAW: "{x"},
    )


def test_a_row_of_an_unknown_feed_is_quarantined(enforcement: Mapper) -> None:
    assert _reason(enforcement, RawRow("fines", "x.csv:2", {})) == 'unknown feed "fines"'


def test_quarantined_raw_rows_are_json_ready(registration: Mapper) -> None:
    row = _enterprise(
        nbxh=uuid.UUID(int=7), clrq=dt.date(2024, 1, 2), gxsj=dt.datetime(2024, 1, 2, 3, 4),
        zczb=Decimal("1.5"), zs=b"\x01\x02", hydm=float("nan"), fddbr="a\x00b", djzt="未知",
    )
    outcome = registration.map(row)
    assert isinstance(outcome, Quarantined)
    raw = outcome.raw
    json.dumps(raw, allow_nan=False)
    assert raw["clrq"] == "2024-01-02" and raw["gxsj"] == "2024-01-02T03:04:00"
    assert raw["zczb"] == "1.5" and raw["zs"] == "0102" and raw["hydm"] == "nan"
    assert raw["nbxh"] == "00000000-0000-0000-0000-000000000007"
    assert "\x00" not in raw["fddbr"]
    assert json_safe({1: (dt.time(8, 30),)}) == {"1": ["08:30:00"]}


def test_update_times_with_a_format_are_shanghai_time(tmp_path: Path) -> None:
    source = one_source(tmp_path, {
        "name": "enforcement", "department": "执法稽查", "connector": "file",
        "directory": "drops",
        "feed": [{"name": "penalties", "record": "PENALTY", "id": "cfjdsh", "updated": "gxsj",
                  "updated_format": "%Y%m%d%H%M%S", "pattern": "*.csv",
                  "fields": PENALTY_FIELDS}],
    })
    mapper = Mapper(source)
    mapped = _mapped(mapper, _penalty(gxsj="20240301083000"))
    assert mapped.source_updated_at == dt.datetime(2024, 3, 1, 8, 30, tzinfo=SHANGHAI)
    assert _mapped(mapper, _penalty(gxsj="")).source_updated_at is None
    assert _reason(mapper, _penalty(gxsj="2024-03-01")) == (
        'unparseable update time "2024-03-01" in gxsj'
    )
