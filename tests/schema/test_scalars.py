from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from graphql import GraphQLError

from schema.scalars import (
    parse_date,
    parse_date_time,
    parse_decimal,
    parse_uscc,
    serialize_date_time,
    serialize_decimal,
)
from tests.archive.rows import put_record, registration
from tests.schema.conftest import graphql

CODES = json.loads((Path(__file__).parent.parent / "data" / "uscc.json").read_text("utf-8"))
QUERY = "query($u: USCC!) { enterprise(uscc: $u) { uscc } }"


@pytest.mark.parametrize("case", CODES["valid"], ids=lambda c: c["code"])
async def test_valid_codes_are_accepted(
    case: dict[str, str], clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
) -> None:
    await put_record(clean_archive, registration(case["code"], case["name"], division="440300"))
    body = await graphql(client, QUERY, {"u": case["code"]})
    assert body == {"data": {"enterprise": {"uscc": case["code"]}}}


@pytest.mark.parametrize("case", CODES["normalises"], ids=lambda c: c["input"])
async def test_codes_are_trimmed_and_upper_cased(
    case: dict[str, str], clean_archive: asyncpg.Pool[Any], client: httpx.AsyncClient,
) -> None:
    await put_record(clean_archive, registration(case["code"], "规范化企业", division="440300"))
    literal = f'{{ enterprise(uscc: "{case["input"]}") {{ uscc }} }}'
    for body in (await graphql(client, QUERY, {"u": case["input"]}),
                 await graphql(client, literal)):
        assert body == {"data": {"enterprise": {"uscc": case["code"]}}}


@pytest.mark.parametrize("case", CODES["invalid"], ids=lambda c: c["why"])
async def test_invalid_codes_give_invalid_uscc_saying_why(
    case: dict[str, str], client: httpx.AsyncClient,
) -> None:
    literal = f'{{ enterprise(uscc: "{case["code"]}") {{ uscc }} }}'
    for body in (await graphql(client, QUERY, {"u": case["code"]}),
                 await graphql(client, literal)):
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "INVALID_USCC"
        reason = error["message"].rsplit(": ", 1)[-1]
        assert reason in {"empty code", "17 characters, expected 18", "wrong check character",
                          "character outside the GB 32100 alphabet or digits where letters are"}


@pytest.mark.parametrize("value", [5, None, ["914403001922038216"], {"a": 1}])
def test_codes_must_be_strings(value: object) -> None:
    with pytest.raises(GraphQLError) as raised:
        parse_uscc(value)
    assert raised.value.extensions == {"code": "INVALID_USCC"}


def test_date() -> None:
    assert parse_date("2025-02-28") == dt.date(2025, 2, 28)
    for bad in ["2025-02-30", "20250228", "2025-W09-5", "2025-2-28", 20250228, ""]:
        with pytest.raises(GraphQLError) as raised:
            parse_date(bad)
        assert raised.value.extensions == {"code": "BAD_USER_INPUT"}


def test_date_time() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert parse_date_time("2025-01-31T09:30:00+08:00") == dt.datetime(2025, 1, 31, 9, 30,
                                                                      tzinfo=shanghai)
    assert parse_date_time("2025-01-31t01:30:00.5z") == dt.datetime(2025, 1, 31, 1, 30, 0,
                                                                    500000, tzinfo=dt.UTC)
    for bad in ["2025-01-31T09:30:00", "2025-01-31", "2025-01-31T25:00:00Z",
                "2025-01-31T09:30:00+0800", 1738287000]:
        with pytest.raises(GraphQLError) as raised:
            parse_date_time(bad)
        assert raised.value.extensions == {"code": "BAD_USER_INPUT"}
    assert serialize_date_time(dt.datetime(2025, 1, 31, 1, 30, tzinfo=dt.UTC)) == (
        "2025-01-31T01:30:00+00:00")
    with pytest.raises(ValueError, match="time zone"):
        serialize_date_time(dt.datetime(2025, 1, 31, 1, 30))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2000000"), "2000000.00"),
        (Decimal("1E+6"), "1000000.00"),
        (Decimal("1234.5"), "1234.50"),
        (Decimal("0.125"), "0.125"),
        (Decimal("-3"), "-3.00"),
    ],
)
def test_decimal_serialises_as_plain_yuan(value: Decimal, text: str) -> None:
    assert serialize_decimal(value) == text


def test_decimal_input() -> None:
    assert parse_decimal("2000000.00") == Decimal("2000000.00")
    for bad in ["1e6", "NaN", "12,5", 12.5, "", " 1"]:
        with pytest.raises(GraphQLError) as raised:
            parse_decimal(bad)
        assert raised.value.extensions == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("parse", "value"),
    [
        (parse_date, "2026-03-02\n"),
        (parse_date, "２０２６-03-02"),
        (parse_date_time, "2026-03-02T08:00:00+08:00\n"),
        (parse_decimal, "12.50\n"),
        (parse_decimal, "１２"),
    ],
    ids=["date newline", "date wide digits", "instant newline", "decimal newline",
         "decimal wide digits"],
)
def test_scalars_take_ascii_digits_and_nothing_after(parse: Any, value: str) -> None:
    with pytest.raises(GraphQLError) as raised:
        parse(value)
    assert raised.value.extensions == {"code": "BAD_USER_INPUT"}
