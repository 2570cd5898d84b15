"""Mapping: a source row becomes a canonical record, or a quarantine entry saying why not.

A `Mapper` is built once per source: every field's conversion is decided then, as a small
closure, so mapping a row is a dict lookup and a call per field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from adapters.base import RawRow
from adapters.config import UNITS, FeedConfig, FieldSpec, SourceConfig, plain_amount
from gateway.records import RECORD_TYPES, Record, RecordKind
from gateway.uscc import InvalidUSCC, normalise

SHANGHAI = ZoneInfo("Asia/Shanghai")

ROW_ERROR = "_error"
"""A connector that cannot parse a row (a bad JSON line) yields data {ROW_ERROR: why,
ROW_RAW: the text}; the mapper quarantines such a row with that reason."""
ROW_RAW = "_raw"

_MEMO_SIZE = 16384
"""Distinct date texts a date field remembers: about 45 years of days, so a register's
establishment dates (strptime, ~10 µs each) are parsed about once each."""
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)\Z")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?\Z")

Parser = Callable[[Any], Any]
"""Turns one non-empty source value into the canonical value, or raises BadValueError."""
Converter = Callable[[Mapping[str, Any]], Any]
"""Reads one canonical field's value out of a row."""


@dataclasses.dataclass(frozen=True, slots=True)
class Mapped:
    """A row mapped to its canonical record."""

    kind: RecordKind
    record_id: str
    record: Record
    source_updated_at: dt.datetime | None


@dataclasses.dataclass(slots=True)
class MappedFields:
    """A row mapped to its canonical field values, the record not built: what sync stores.

    `fields` holds every configured field; fields left out take the record's defaults."""

    kind: RecordKind
    record_id: str
    fields: dict[str, Any]
    source_updated_at: dt.datetime | None

    def mapped(self) -> Mapped:
        """The same row as a `Mapped` record."""
        record = RECORD_TYPES[self.kind](**self.fields)
        return Mapped(self.kind, self.record_id, record, self.source_updated_at)


@dataclasses.dataclass(frozen=True, slots=True)
class Quarantined:
    """A row that could not be mapped, with why and where; `raw` is JSON-ready."""

    feed: str
    position: str
    reason: str
    raw: dict[str, Any]


class BadValueError(Exception):
    """A source value cannot become its canonical field; the message is the quarantine reason."""


class Mapper:
    """Maps the rows of one source's feeds to canonical records."""

    def __init__(self, source: SourceConfig) -> None:
        self.source = source
        self._feeds = {feed.name: _FeedMapper(feed) for feed in source.feeds}

    def map(self, row: RawRow) -> Mapped | Quarantined:
        """The canonical record of `row`, or why it cannot be one."""
        outcome = self.map_fields(row)
        return outcome.mapped() if isinstance(outcome, MappedFields) else outcome

    def map_fields(self, row: RawRow) -> MappedFields | Quarantined:
        """The canonical field values of `row`, or why it cannot be a record."""
        feed = self._feeds.get(row.feed)
        if feed is None:
            return quarantine(row, f'unknown feed "{row.feed}"')
        if ROW_ERROR in row.data:
            return quarantine(row, str(row.data[ROW_ERROR]))
        try:
            return feed.map(row.data)
        except BadValueError as exc:
            return quarantine(row, str(exc))


def quarantine(row: RawRow, reason: str) -> Quarantined:
    """The quarantine entry for `row`."""
    return Quarantined(row.feed, row.position, reason, json_safe(row.data))


class _FeedMapper:
    """The precomputed conversions of one feed."""

    def __init__(self, feed: FeedConfig) -> None:
        self.kind = feed.record
        self.converters = tuple((name, converter(spec)) for name, spec in feed.fields.items())
        self.record_id = _record_id_reader(feed.id_field)
        self.updated = _updated_reader(feed.updated_field, feed.updated_format)

    def map(self, data: Mapping[str, Any]) -> MappedFields:
        record_id = self.record_id(data)
        values = {name: convert(data) for name, convert in self.converters}
        return MappedFields(self.kind, record_id, values, self.updated(data))


def converter(spec: FieldSpec) -> Converter:
    """The function that reads `spec`'s canonical value from a row."""
    if spec.source is None:
        constant = spec.constant
        return lambda data: constant
    source = spec.source
    on_empty = _empty_handler(spec)
    if _is_plain_text(spec):
        return _text_converter(source, on_empty)
    parse = _many_parser(spec, on_empty) if spec.type.many else _parser(spec)

    def convert(data: Mapping[str, Any]) -> Any:
        raw = data.get(source)
        if raw.__class__ is str:
            raw = raw.strip()
            if not raw:
                return on_empty()
        elif raw is None or raw == []:
            return on_empty()
        return parse(raw)

    return convert


def _is_plain_text(spec: FieldSpec) -> bool:
    return (spec.type.base is str and not spec.type.many and spec.map is None
            and spec.name != "uscc")


def _text_converter(source: str, on_empty: Callable[[], Any]) -> Converter:
    """The converter of a plain text field: the commonest kind, so kept to one call."""
    parse = _text_parser(source)

    def convert(data: Mapping[str, Any]) -> Any:
        raw = data.get(source)
        if raw.__class__ is str:
            raw = raw.strip()
            if not raw:
                return on_empty()
            if "\x00" in raw:
                raise BadValueError(f"value of {source} contains a NUL character")
            return raw
        if raw is None:
            return on_empty()
        return parse(raw)

    return convert


def _empty_handler(spec: FieldSpec) -> Callable[[], Any]:
    if spec.default is not None:
        default = spec.default
        return lambda: default
    if spec.type.required:
        reason = f"missing required field {spec.name} (source field {spec.source})"

        def missing() -> Any:
            raise BadValueError(reason)

        return missing
    empty = () if spec.type.many else None
    return lambda: empty


def _parser(spec: FieldSpec) -> Parser:
    """The parser of one (non-list) value of `spec`'s canonical type."""
    source = spec.source or spec.name
    if spec.name == "uscc":
        return _uscc_parser()
    if spec.map is not None or spec.type.is_enum:
        return _lookup_parser(spec, source)
    if spec.type.base is dt.date:
        return _date_parser(source, spec.format)
    if spec.type.base is Decimal:
        return _amount_parser(source, UNITS[spec.unit or "元"])
    return _text_parser(source)


def _text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return str(raw).strip()


def _text_parser(source: str) -> Parser:
    def parse(raw: Any) -> str:
        text = raw if raw.__class__ is str else _text(raw)
        if "\x00" in text:
            raise BadValueError(f"value of {source} contains a NUL character")
        return text

    return parse


def _uscc_parser() -> Parser:
    def parse(raw: Any) -> str:
        text = raw if raw.__class__ is str else _text(raw)
        try:
            return normalise(text)
        except InvalidUSCC as exc:
            raise BadValueError(f'invalid USCC "{text}": {exc}') from None

    return parse


def _lookup_parser(spec: FieldSpec, source: str) -> Parser:
    base = spec.type.base
    if spec.map is not None:
        table: dict[str, Any] = {
            key: base(value) if spec.type.is_enum else value for key, value in spec.map.items()
        }
        problem = "is not mapped"
    else:
        table = {member.value: member for member in base}
        problem = f"is not {spec.type.label}"

    def parse(raw: Any) -> Any:
        key = raw if raw.__class__ is str else _text(raw)
        try:
            return table[key]
        except KeyError:
            raise BadValueError(f'value "{key}" of {source} {problem}') from None

    return parse


def _date_parser(source: str, date_format: str | None) -> Parser:
    # strptime costs ~10 µs and a feed repeats few distinct dates, so parsed texts are kept.
    seen: dict[str, dt.date] = {}

    def parse(raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            return _aware(raw).astimezone(SHANGHAI).date()
        if isinstance(raw, dt.date):
            return raw
        text = raw if raw.__class__ is str else _text(raw)
        day = seen.get(text)
        if day is not None:
            return day
        try:
            day = _parse_date(text, date_format)
        except ValueError:
            raise BadValueError(f'unparseable date "{text}" in {source}') from None
        if len(seen) >= _MEMO_SIZE:
            seen.clear()
        seen[text] = day
        return day

    return parse


def _parse_date(text: str, date_format: str | None) -> dt.date:
    if date_format is not None:
        return dt.datetime.strptime(text, date_format).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return _aware(dt.datetime.fromisoformat(text)).astimezone(SHANGHAI).date()


def _amount_parser(source: str, factor: Decimal) -> Parser:
    def parse(raw: Any) -> Decimal:
        number = _number(raw)
        if number is None or not number.is_finite():
            raise BadValueError(f'unparseable amount "{_text(raw)}" in {source}')
        if number < 0:
            raise BadValueError(f'negative amount "{_text(raw)}" in {source}')
        return plain_amount(number * factor)

    return parse


def _number(raw: Any) -> Decimal | None:
    """The number in `raw` ("1,234.50", 12, 1.5, Decimal), or None when it is not one."""
    if raw.__class__ is str:
        text = raw
    elif isinstance(raw, Decimal):
        return raw
    elif isinstance(raw, bool):
        return None
    elif isinstance(raw, int | float):
        return Decimal(repr(raw))
    else:
        text = _text(raw)
    if "," in text and _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    elif not _PLAIN_NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _many_parser(spec: FieldSpec, on_empty: Callable[[], Any]) -> Parser:
    """Parses a list field: a list value, a JSON list text, or text cut at `split`."""
    parse_item = _parser(spec)
    separator = spec.split

    def parse(raw: Any) -> tuple[Any, ...]:
        items = _items(raw, separator)
        values = []
        for item in items:
            if item.__class__ is str:
                item = item.strip()
            if item is None or item == "":
                continue
            values.append(parse_item(item))
        return tuple(dict.fromkeys(values)) or on_empty()

    return parse


def _items(raw: Any, separator: str | None) -> list[Any]:
    if isinstance(raw, list | tuple):
        return list(raw)
    if not isinstance(raw, str):
        return [raw]
    if raw.startswith("["):
        try:
            loaded = json.loads(raw)
        except ValueError:
            loaded = None
        if isinstance(loaded, list):
            return loaded
    return raw.split(separator) if separator else [raw]


def _record_id_reader(field: str) -> Callable[[Mapping[str, Any]], str]:
    reason = f"missing record id (source field {field})"

    def read(data: Mapping[str, Any]) -> str:
        raw = data.get(field)
        text = raw.strip() if raw.__class__ is str else "" if raw is None else _text(raw)
        if not text:
            raise BadValueError(reason)
        return text

    return read


def _updated_reader(
    field: str | None, time_format: str | None
) -> Callable[[Mapping[str, Any]], dt.datetime | None]:
    if field is None:
        return lambda data: None

    def read(data: Mapping[str, Any]) -> dt.datetime | None:
        return parse_update_time(data.get(field), field, time_format)

    return read


def parse_update_time(raw: Any, field: str, time_format: str | None = None) -> dt.datetime | None:
    """A source's update time as an aware instant (naive = Asia/Shanghai); None when empty."""
    if raw.__class__ is str:
        text = raw.strip()
    elif isinstance(raw, dt.datetime):
        return _aware(raw)
    elif isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time(), SHANGHAI)
    else:
        text = "" if raw is None else _text(raw)
    if not text:
        return None
    try:
        if time_format is not None:
            return _aware(dt.datetime.strptime(text, time_format))
        return _aware(dt.datetime.fromisoformat(text))
    except ValueError:
        raise BadValueError(f'unparseable update time "{text}" in {field}') from None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def json_safe(value: Any) -> Any:
    """`value` with dates, decimals and other non-JSON values turned into strings."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")  # jsonb cannot hold NUL
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return json_safe(str(value))
