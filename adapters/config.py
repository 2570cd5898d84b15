"""The sources configuration (docs/sources.md): which systems to reach and how rows map.

`load_sources_config` reads the TOML file, replaces `${VAR}` from the environment and
validates everything before any connector starts, so a wrong file fails at start-up with a
message naming the source, the feed and the key.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import enum
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from adapters.durations import parse_duration
from gateway.records import RECORD_TYPES, RecordKind

CONNECTOR_KINDS = ("postgres", "http", "file")
UNITS: Mapping[str, Decimal] = types.MappingProxyType({"元": Decimal(1), "万元": Decimal(10000)})

_NAME = re.compile(r"^[a-z][a-z0-9_]*\Z")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\Z")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?\Z")
_URL_PATH = re.compile(r"^/[^\s?#]*\Z")

_DEFAULTS = {"interval", "max_age", "batch_size", "timeout"}
_SOURCE_KEYS = {"name", "department", "connector", "feed", *_DEFAULTS}
_SOURCE_KIND_KEYS = {
    "postgres": {"dsn", "overlap"},
    "http": {"base_url", "headers", "retries", "retry_delay", "retry_max_delay"},
    "file": {"directory"},
}
_FEED_KEYS = {"name", "record", "id", "updated", "updated_format", "fields"}
_FEED_KIND_KEYS = {
    "postgres": {"table", "uscc_column"},
    "http": {"path", "page_size", "fetch_path"},
    "file": {"pattern", "require_done", "encoding"},
}
_FIELD_KEYS = {"from", "value", "map", "unit", "format", "split", "default"}


MAX_BATCH = 100_000
"""Rows per batch or page at most: a batch is held in memory and written in one statement."""


class ConfigError(ValueError):
    """The sources configuration is wrong; the message names the file, source, feed and key."""


@dataclasses.dataclass(frozen=True, slots=True)
class FieldType:
    """What a canonical record field holds: its base type, whether a tuple, whether required."""

    base: type[Any]
    """str, dt.date, Decimal or one of the record enums."""
    many: bool
    required: bool

    @property
    def label(self) -> str:
        """The base type's name with its article, for messages: "a date", "an amount"."""
        names = {dt.date: "date", Decimal: "amount", str: "text"}
        name = names.get(self.base, self.base.__name__)
        return f"an {name}" if name[0] in "aeiouAEIOU" else f"a {name}"

    @property
    def is_enum(self) -> bool:
        return issubclass(self.base, enum.Enum)


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one canonical field is filled: from a source field (converted) or a constant."""

    name: str
    type: FieldType
    source: str | None = None
    """The source field (`from`); None for a constant."""
    constant: Any = None
    """The canonical value (`value`) when `source` is None."""
    map: Mapping[str, str] | None = None
    unit: str | None = None
    format: str | None = None
    split: str | None = None
    default: Any = None
    """The canonical value used when the source field is empty (None: no default)."""


@dataclasses.dataclass(frozen=True, slots=True)
class FeedConfig:
    """One stream of rows of one record kind inside a source (a table, an API path, files)."""

    name: str
    record: RecordKind
    id_field: str
    updated_field: str | None
    uscc_field: str
    fields: Mapping[str, FieldSpec]
    options: Mapping[str, Any]
    """Kind-specific keys: postgres table, uscc_column; http path, page_size, fetch_path;
    file pattern, require_done, encoding."""
    updated_format: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SourceConfig:
    """One department system and how to reach it."""

    name: str
    department: str
    connector: str
    """"postgres", "http" or "file"."""
    interval: dt.timedelta
    max_age: dt.timedelta
    batch_size: int
    timeout: float
    """Seconds allowed per request or query."""
    feeds: tuple[FeedConfig, ...]
    options: Mapping[str, Any]
    """Kind-specific keys: postgres dsn; http base_url, headers, retries, retry_delay and
    retry_max_delay (seconds); file directory (a Path)."""

    def feed(self, name: str) -> FeedConfig:
        """The feed called `name`; KeyError when there is none."""
        for feed in self.feeds:
            if feed.name == name:
                return feed
        raise KeyError(name)


@dataclasses.dataclass(frozen=True, slots=True)
class SourcesConfig:
    """Every configured source, in file order."""

    sources: tuple[SourceConfig, ...]

    def get(self, name: str) -> SourceConfig | None:
        """The source called `name`, or None."""
        return next((s for s in self.sources if s.name == name), None)


def plain_amount(number: Decimal) -> Decimal:
    """`number` without trailing zeros and never in exponent form: 1234.50 → 1234.5."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _field_type(hint: Any, required: bool) -> FieldType:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if typing.get_origin(hint) is tuple:
        return FieldType(typing.get_args(hint)[0], many=True, required=required)
    return FieldType(hint, many=False, required=required)


def _record_fields(cls: type[Any]) -> dict[str, FieldType]:
    hints = typing.get_type_hints(cls)
    # Flags (Commitment.public) are set by the gateway itself, never mapped from a source.
    return {
        f.name: _field_type(
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
        if hints[f.name] != bool | None
    }


CANONICAL_FIELDS: Mapping[RecordKind, Mapping[str, FieldType]] = types.MappingProxyType(
    {kind: _record_fields(cls) for kind, cls in RECORD_TYPES.items()}
)
"""Every record kind's canonical fields and their types, from gateway/records.py."""


class _Table:
    """One TOML table being read; knows where it is, for error messages."""

    def __init__(self, data: Any, where: str, env: Mapping[str, str]) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a table, got {_show(data)}")
        self.data: dict[str, Any] = data
        self.where = where
        self.env = env

    def error(self, key: str, message: str) -> ConfigError:
        joint = " " if message.startswith("is ") else ": "
        return ConfigError(f'{self.where}: key "{key}"{joint}{message}')

    def reject_unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise ConfigError(
                    f'{self.where}: unknown key "{key}" (expected one of '
                    f"{', '.join(sorted(allowed))})"
                )

    def raw(self, key: str, default: Any = None) -> Any:
        """The value with `${VAR}` replaced in strings; `default` when absent."""
        if key not in self.data:
            return default
        value = self.data[key]
        return _substitute(value, self.env, self, key) if isinstance(value, str) else value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.raw(key)
        if value is None:
            if required or default is None:
                raise self.error(key, "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a non-empty string, got {_show(value)}")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return None if key not in self.data else self.text(key, required=True)

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"expected an integer from {low} to {high}, got {_show(value)}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_show(value)}")
        return value

    def duration(self, key: str, default: dt.timedelta | str) -> dt.timedelta:
        value = self.raw(key, default)
        if isinstance(value, dt.timedelta):
            return value
        if not isinstance(value, str):
            raise self.error(key, f'expected a duration like "30s", got {_show(value)}')
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def pattern(
        self, key: str, regex: re.Pattern[str], what: str, default: str | None = None
    ) -> str:
        value = self.text(key, default)
        if not regex.match(value):
            raise self.error(key, f'"{value}" is not {what}')
        return value


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _substitute(text: str, env: Mapping[str, str], table: _Table, key: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if not _VARIABLE_NAME.match(name):
            raise table.error(key, f'"${{{name}}}" is not a valid variable reference')
        if name not in env:
            raise table.error(key, f"environment variable {name} is not set")
        return env[name]

    return _VARIABLE.sub(replace, text)


def load_sources_config(path: Path, env: Mapping[str, str]) -> SourcesConfig:
    """Read, substitute and validate the sources file; raises ConfigError on the first fault."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: invalid TOML: {exc}") from None
    return _read_document(_Table(document, path.name, env), path.resolve().parent)


def _read_document(top: _Table, base_dir: Path) -> SourcesConfig:
    top.reject_unknown({"defaults", "source"})
    defaults = _read_defaults(top)
    raw_sources = top.data.get("source")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(f"{top.where}: no [[source]] is defined")
    sources: list[SourceConfig] = []
    for index, raw in enumerate(raw_sources, start=1):
        source = _read_source(raw, index, top, defaults, base_dir)
        if any(s.name == source.name for s in sources):
            raise ConfigError(f'{top.where}: source "{source.name}" is defined twice')
        sources.append(source)
    return SourcesConfig(tuple(sources))


def _read_defaults(top: _Table) -> dict[str, Any]:
    table = _Table(top.data.get("defaults", {}), f"{top.where}: [defaults]", top.env)
    table.reject_unknown(set(_DEFAULTS))
    return {
        "interval": table.duration("interval", "5m"),
        "max_age": table.duration("max_age", "1h"),
        "batch_size": table.integer("batch_size", 5000, 1, MAX_BATCH),
        "timeout": table.duration("timeout", "10s"),
    }


def _read_source(
    raw: Any, index: int, top: _Table, defaults: dict[str, Any], base_dir: Path
) -> SourceConfig:
    table = _Table(raw, f"{top.where}: source #{index}", top.env)
    name = table.pattern("name", _NAME, "a name matching [a-z][a-z0-9_]*")
    table.where = f'{top.where}: source "{name}"'
    kind = table.text("connector", required=True)
    if kind not in CONNECTOR_KINDS:
        raise table.error("connector", f'"{kind}" is not one of {", ".join(CONNECTOR_KINDS)}')
    table.reject_unknown(_SOURCE_KEYS | _SOURCE_KIND_KEYS[kind])
    return SourceConfig(
        name=name,
        department=table.text("department", required=True),
        connector=kind,
        interval=table.duration("interval", defaults["interval"]),
        max_age=table.duration("max_age", defaults["max_age"]),
        batch_size=table.integer("batch_size", defaults["batch_size"], 1, MAX_BATCH),
        timeout=table.duration("timeout", defaults["timeout"]).total_seconds(),
        feeds=_read_feeds(table, kind),
        options=types.MappingProxyType(_SOURCE_OPTIONS[kind](table, base_dir)),
    )


def _postgres_source(table: _Table, base_dir: Path) -> dict[str, Any]:
    dsn = table.text("dsn", required=True)
    if not dsn.startswith(("postgres://", "postgresql://")):
        # the value may hold a password: name only what is wrong
        raise table.error("dsn", "expected a postgresql:// URL")
    overlap = table.duration("overlap", "1s") if "overlap" in table.data else None
    return {"dsn": dsn, "overlap": overlap}


def _http_source(table: _Table, base_dir: Path) -> dict[str, Any]:
    base_url = table.pattern("base_url", _URL, "an http:// or https:// URL without query")
    return {
        "base_url": base_url.rstrip("/"),
        "headers": types.MappingProxyType(_read_headers(table)),
        "retries": table.integer("retries", 4, 0, 20),
        "retry_delay": table.duration("retry_delay", "500ms").total_seconds(),
        "retry_max_delay": table.duration("retry_max_delay", "30s").total_seconds(),
    }


def _read_headers(table: _Table) -> dict[str, str]:
    if "headers" not in table.data:
        return {}
    headers = _Table(table.data["headers"], f"{table.where}: headers", table.env)
    for name in headers.data:
        if not _HEADER_NAME.match(name):
            raise headers.error(name, "is not a valid HTTP header name")
    return {name: headers.text(name, required=True) for name in headers.data}


def _file_source(table: _Table, base_dir: Path) -> dict[str, Any]:
    return {"directory": base_dir / Path(table.text("directory", required=True)).expanduser()}


_SOURCE_OPTIONS = {"postgres": _postgres_source, "http": _http_source, "file": _file_source}


def _read_feeds(source: _Table, kind: str) -> tuple[FeedConfig, ...]:
    raw_feeds = source.data.get("feed")
    if not isinstance(raw_feeds, list) or not raw_feeds:
        raise ConfigError(f"{source.where}: no [[source.feed]] is defined")
    feeds: list[FeedConfig] = []
    for index, raw in enumerate(raw_feeds, start=1):
        feed = _read_feed(_Table(raw, f"{source.where} feed #{index}", source.env), source, kind)
        if any(f.name == feed.name for f in feeds):
            raise ConfigError(f'{source.where}: feed "{feed.name}" is defined twice')
        feeds.append(feed)
    return tuple(feeds)


def _read_feed(table: _Table, source: _Table, kind: str) -> FeedConfig:
    name = table.pattern("name", _NAME, "a name matching [a-z][a-z0-9_]*")
    table.where = f'{source.where} feed "{name}"'
    table.reject_unknown(_FEED_KEYS | _FEED_KIND_KEYS[kind])
    record_text = table.text("record", required=True)
    if record_text not in RecordKind.__members__:
        raise table.error("record", f'"{record_text}" is not one of {", ".join(RecordKind)}')
    record = RecordKind(record_text)
    column = _IDENTIFIER if kind == "postgres" else re.compile(r".")
    what = "a column name matching [A-Za-z_][A-Za-z0-9_]*" if kind == "postgres" else "a field"
    id_field = table.pattern("id", column, what)
    updated = (
        None
        if kind == "file" and "updated" not in table.data
        else table.pattern("updated", column, what)
    )
    fields = _read_fields(table, record)
    uscc_field = fields["uscc"].source
    if uscc_field is None:
        raise ConfigError(f'{table.where}: field "uscc": must come "from" a source field')
    return FeedConfig(
        name=name,
        record=record,
        id_field=id_field,
        updated_field=updated,
        uscc_field=uscc_field,
        fields=types.MappingProxyType(fields),
        options=types.MappingProxyType(_FEED_OPTIONS[kind](table, uscc_field)),
        updated_format=table.optional_text("updated_format"),
    )


def _postgres_feed(table: _Table, uscc_field: str) -> dict[str, Any]:
    uscc_column = table.text("uscc_column", uscc_field)
    if not _IDENTIFIER.match(uscc_column):
        raise table.error("uscc_column", f'"{uscc_column}" is not a column name')
    return {
        "table": table.pattern("table", _TABLE, "a table name like djzc_qyjbxx or exchange.djzc"),
        "uscc_column": uscc_column,
    }


def _http_feed(table: _Table, uscc_field: str) -> dict[str, Any]:
    fetch_path = None
    if "fetch_path" in table.data:
        fetch_path = table.pattern("fetch_path", _URL_PATH, "a path starting with /")
    return {
        "path": table.pattern("path", _URL_PATH, "a path starting with /"),
        "page_size": table.integer("page_size", 500, 1, MAX_BATCH),
        "fetch_path": fetch_path,
    }


def _file_feed(table: _Table, uscc_field: str) -> dict[str, Any]:
    pattern = table.text("pattern", required=True)
    if "/" in pattern or "\\" in pattern or not pattern.endswith((".csv", ".jsonl")):
        raise table.error(
            "pattern", f'"{pattern}" is not a file name glob ending in .csv or .jsonl'
        )
    encoding = table.text("encoding", "utf-8")
    try:
        is_text = codecs.lookup(encoding)._is_text_encoding
    except LookupError:
        is_text = False
    if not is_text:
        raise table.error("encoding", f'"{encoding}" is not a known text encoding')
    return {
        "pattern": pattern,
        "require_done": table.boolean("require_done", False),
        "encoding": encoding,
    }


_FEED_OPTIONS = {"postgres": _postgres_feed, "http": _http_feed, "file": _file_feed}


def _read_fields(feed: _Table, record: RecordKind) -> dict[str, FieldSpec]:
    canonical = CANONICAL_FIELDS[record]
    if "fields" not in feed.data:
        raise ConfigError(f"{feed.where}: no [source.feed.fields] table")
    table = _Table(feed.data["fields"], f"{feed.where}: [fields]", feed.env)
    specs: dict[str, FieldSpec] = {}
    for name, raw in table.data.items():
        if name not in canonical:
            raise ConfigError(
                f'{feed.where}: field "{name}": not a field of {record} '
                f"(known: {', '.join(canonical)})"
            )
        where = f'{feed.where}: field "{name}"'
        specs[name] = _read_field(name, canonical[name], raw, where, feed.env)
    missing = [n for n, t in canonical.items() if t.required and n not in specs]
    if missing:
        raise ConfigError(
            f"{feed.where}: required field{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} of {record} {'are' if len(missing) > 1 else 'is'} not mapped"
        )
    return specs


def _read_field(
    name: str, ftype: FieldType, raw: Any, where: str, env: Mapping[str, str]
) -> FieldSpec:
    if isinstance(raw, str):
        raw = {"from": raw}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a source field name or a table, got {_show(raw)}")
    table = _Table(raw, where, env)
    table.reject_unknown(_FIELD_KEYS)
    if ("from" in table.data) == ("value" in table.data):
        raise ConfigError(f'{where}: give exactly one of "from" (source field) or "value"')
    if "value" in table.data:
        if name == "uscc":
            raise ConfigError(f'{where}: must come "from" a source field')
        if len(table.data) > 1:
            raise ConfigError(f'{where}: a constant "value" takes no other keys')
        return FieldSpec(name, ftype, constant=_canonical(table, "value", ftype))
    return FieldSpec(
        name,
        ftype,
        source=table.text("from", required=True),
        map=_read_map(table, ftype),
        unit=_read_option(table, "unit", ftype.base is Decimal and not ftype.many, "amount"),
        format=_read_option(table, "format", ftype.base is dt.date, "date"),
        split=_read_option(table, "split", ftype.many, "list"),
        default=_canonical(table, "default", ftype) if "default" in table.data else None,
    )


def _read_option(table: _Table, key: str, applies: bool, kind: str) -> str | None:
    if key not in table.data:
        return None
    if not applies:
        raise table.error(key, f"applies to {kind} fields only")
    value = table.data[key]
    if not isinstance(value, str) or value == "":
        raise table.error(key, f"expected a non-empty string, got {_show(value)}")
    if key == "unit" and value not in UNITS:
        raise table.error(key, f'"{value}" is not one of {", ".join(UNITS)}')
    return value


def _read_map(table: _Table, ftype: FieldType) -> Mapping[str, str] | None:
    if "map" not in table.data:
        return None
    if not (ftype.is_enum or ftype.base is str):
        raise table.error("map", "applies to text and enum fields only")
    entries = _Table(table.data["map"], f"{table.where}: map", table.env)
    result: dict[str, str] = {}
    for source_value, target in entries.data.items():
        if not isinstance(target, str):
            raise ConfigError(f'{table.where}: map "{source_value}": expected a string')
        if ftype.is_enum and target not in ftype.base.__members__:
            raise ConfigError(f'{table.where}: "{target}" is not {ftype.label}')
        result[source_value.strip()] = target
    return types.MappingProxyType(result)


def _canonical(table: _Table, key: str, ftype: FieldType) -> Any:
    """A `value` or `default` written as the canonical value, checked against the field type."""
    value = table.raw(key)
    if ftype.many:
        items = value if isinstance(value, list) else [value]
        return tuple(_canonical_item(table, key, ftype, item) for item in items)
    return _canonical_item(table, key, ftype, value)


def _canonical_item(table: _Table, key: str, ftype: FieldType, value: Any) -> Any:
    try:
        if ftype.base is str and isinstance(value, str | int) and not isinstance(value, bool):
            if str(value).strip():
                return str(value).strip()
        elif ftype.base is dt.date and isinstance(value, dt.date | str):
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        elif ftype.base is Decimal and isinstance(value, str | int | float):
            number = Decimal(str(value))
            if number.is_finite() and number >= 0 and not isinstance(value, bool):
                return plain_amount(number)
        elif ftype.is_enum and isinstance(value, str):
            return ftype.base(value)
    except (ValueError, InvalidOperation):
        pass
    raise table.error(key, f"{_show(value)} is not {ftype.label}")
