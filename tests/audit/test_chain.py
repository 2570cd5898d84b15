"""The hash of a row: canonical content, every field covered, entries checked up front."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pytest

from gateway.audit.chain import GENESIS, canonical_bytes, row_hash
from gateway.audit.entry import InvalidAuditEntry, check_entry
from tests.audit.conftest import entry


def test_canonical_bytes_are_sorted_compact_utf8_json_with_the_instant_in_utc() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    e = entry(at=dt.datetime(2026, 3, 2, 17, 30, 0, 12, tzinfo=shanghai))
    text = canonical_bytes(7, e).decode("utf-8")
    assert " " not in text and "政府采购资格审查" in text
    content = json.loads(text)
    assert list(content) == sorted(content)
    assert content["seq"] == 7
    assert content["at"] == "2026-03-02T09:30:00.000012Z"
    assert content["usccs"] == ["91440507000000001X"]
    assert content["client_address"] == "10.0.0.7"


def test_the_same_instant_in_another_zone_hashes_alike() -> None:
    utc = entry()
    shanghai = dataclasses.replace(utc, at=utc.at.astimezone(dt.timezone(dt.timedelta(hours=8))))
    assert row_hash(GENESIS, 1, utc) == row_hash(GENESIS, 1, shanghai)


def test_row_hash_is_sha256_of_the_previous_hash_and_the_content() -> None:
    e = entry()
    previous = hashlib.sha256(b"x").digest()
    assert row_hash(previous, 3, e) == hashlib.sha256(previous + canonical_bytes(3, e)).digest()
    assert bytes(32) == GENESIS


@pytest.mark.parametrize(
    "change",
    [
        {"at": entry().at + dt.timedelta(microseconds=1)},
        {"client_id": None},
        {"role": "supervisor"},
        {"purpose": "other"},
        {"operation": None},
        {"usccs": ()},
        {"field_groups": ("publicity", "personal")},
        {"verdicts": ()},
        {"request_id": "req-other"},
        {"client_address": "10.0.0.8"},
    ],
)
def test_every_field_is_covered_by_the_hash(change: dict[str, object]) -> None:
    e = entry()
    assert row_hash(GENESIS, 1, dataclasses.replace(e, **change)) != row_hash(GENESIS, 1, e)


def test_seq_and_previous_hash_are_covered_by_the_hash() -> None:
    e = entry()
    assert row_hash(GENESIS, 1, e) != row_hash(GENESIS, 2, e)
    assert row_hash(GENESIS, 1, e) != row_hash(bytes(31) + b"\x01", 1, e)


def test_list_boundaries_are_unambiguous() -> None:
    one = entry(usccs=("A,B",))
    two = entry(usccs=("A", "B"))
    assert row_hash(GENESIS, 1, one) != row_hash(GENESIS, 1, two)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"at": dt.datetime(2026, 3, 2, 9, 30)}, "time zone"),
        ({"purpose": "a\x00b"}, "NUL"),
        ({"usccs": ("91440507000000001X", "\x00")}, "NUL"),
        ({"client_address": "\ud800"}, "Unicode"),
        ({"verdicts": ["PASS"]}, "tuple"),
    ],
)
def test_entries_the_database_or_the_hash_cannot_take_are_refused(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidAuditEntry, match=message):
        check_entry(entry(**change))


def test_a_good_entry_passes_the_check() -> None:
    check_entry(entry())
