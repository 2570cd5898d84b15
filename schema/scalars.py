"""The contract's custom scalars: USCC, Date, DateTime and Decimal.

Python types map to them through `SCALAR_MAP` (a StrawberryConfig.scalar_map): `USCC` is a
NewType of str; `datetime.date`, `datetime.datetime` and `decimal.Decimal` replace strawberry's
built-in scalars of the same names with the contract's stricter formats.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from gateway.uscc import InvalidUSCC, normalise
from schema.errors import BadUserInputError, InvalidUSCCError

USCC = NewType("USCC", str)

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)
_DECIMAL = re.compile(r"^-?[0-9]{1,20}(\.[0-9]{1,10})?\Z")
_CENT = Decimal("0.01")


def parse_uscc(value: object) -> str:
    """Trim, upper-case and verify a code; the error says what is wrong."""
    if not isinstance(value, str):
        raise InvalidUSCCError(f"USCC must be a string, got {type(value).__name__}")
    try:
        return normalise(value)
    except InvalidUSCC as e:
        raise InvalidUSCCError(f"invalid USCC {value!r}: {e}") from None


def parse_date(value: object) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not _DATE.match(value):
        raise BadUserInputError(f"Date must be written YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise BadUserInputError(f"invalid Date {value!r}: {e}") from None


def parse_date_time(value: object) -> dt.datetime:
    """An RFC 3339 instant; an offset (or Z) is required."""
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise BadUserInputError(
            f"DateTime must be RFC 3339 with an offset, e.g. 2025-01-31T09:30:00+08:00, "
            f"got {value!r}"
        )
    try:
        return dt.datetime.fromisoformat(value.upper().replace(" ", "T"))
    except ValueError as e:
        raise BadUserInputError(f"invalid DateTime {value!r}: {e}") from None


def serialize_date_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("refusing to serialise a DateTime without a time zone")
    return value.isoformat()


def parse_decimal(value: object) -> Decimal:
    """An exact amount written as a decimal string, e.g. "2000000.00"."""
    if not isinstance(value, str) or not _DECIMAL.match(value):
        raise BadUserInputError(f'Decimal must be a string such as "2000000.00", got {value!r}')
    try:
        return Decimal(value)
    except InvalidOperation:
        raise BadUserInputError(f"invalid Decimal {value!r}") from None


def serialize_decimal(value: Decimal) -> str:
    """Plain notation with at least two decimal places (yuan and fen)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(_CENT)
    return f"{value:f}"


def serialize_date(value: dt.date) -> str:
    return value.isoformat()


SCALAR_MAP: dict[object, ScalarDefinition] = {
    USCC: strawberry.scalar(
        name="USCC",
        description=(
            "18-character Unified Social Credit Code (GB 32100-2015). Input is trimmed and "
            "upper-cased, then its check character is verified."
        ),
        serialize=str,
        parse_value=parse_uscc,
    ),
    dt.date: strawberry.scalar(
        name="Date",
        description="Calendar date, ISO 8601 (YYYY-MM-DD).",
        serialize=serialize_date,
        parse_value=parse_date,
    ),
    dt.datetime: strawberry.scalar(
        name="DateTime",
        description="Instant, RFC 3339 with offset.",
        serialize=serialize_date_time,
        parse_value=parse_date_time,
    ),
    Decimal: strawberry.scalar(
        name="Decimal",
        description='Exact decimal amount in yuan, serialised as a string such as "2000000.00".',
        serialize=serialize_decimal,
        parse_value=parse_decimal,
    ),
}
