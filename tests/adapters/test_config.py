"""Sources configuration: a good file loads completely; every fault names where it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.config import ConfigError, load_sources_config
from adapters.durations import parse_duration
from gateway.records import EnterpriseStatus, PenaltyMeasure, PenaltyProcedure, RecordKind
from tests.adapters.configs import ENV, document, write_and_load

DOCUMENTED_EXAMPLE = """
[defaults]
interval = "5m"
max_age = "1h"
batch_size = 5000
timeout = "10s"

[[source]]
name = "registration"
department = "登记注册"
connector = "postgres"
dsn = "${REGISTRATION_DSN}"

  [[source.feed]]
  name = "enterprises"
  record = "REGISTRATION"
  id = "nbxh"
  updated = "gxsj"
  table = "djzc_qyjbxx"

    [source.feed.fields]
    uscc = "tyshxydm"
    name = "qymc"
    status = { from = "djzt", map = { "存续" = "OPERATING", "吊销" = "REVOKED" } }
    registered_capital = { from = "zczb", unit = "万元" }
    established_on = { from = "clrq", format = "%Y%m%d" }
    former_names = { from = "cym", split = ";" }
    division = { value = "440500" }
"""


def test_the_documented_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(DOCUMENTED_EXAMPLE, encoding="utf-8")
    config = load_sources_config(path, {"REGISTRATION_DSN": "postgresql://u@db/exchange"})
    source = config.sources[0]
    assert source.options["dsn"] == "postgresql://u@db/exchange"
    feed = source.feed("enterprises")
    assert feed.options == {"table": "djzc_qyjbxx", "uscc_column": "tyshxydm"}
    assert feed.fields["division"].constant == "440500"
    assert feed.fields["status"].map == {"存续": "OPERATING", "吊销": "REVOKED"}


def test_a_full_configuration_loads_with_defaults_and_overrides(tmp_path: Path) -> None:
    config = write_and_load(tmp_path, document())
    registration, licensing, enforcement = config.sources
    assert config.get("licensing") is licensing and config.get("nope") is None
    assert registration.interval == dt.timedelta(seconds=30)
    assert licensing.interval == dt.timedelta(minutes=10)
    assert registration.max_age == dt.timedelta(hours=2) and registration.timeout == 5.0
    assert registration.batch_size == 2000 and enforcement.batch_size == 10
    assert registration.options["dsn"] == ENV["REGISTRATION_DSN"]
    assert licensing.options["base_url"] == "http://127.0.0.1:9/api"
    assert licensing.options["headers"] == {"X-Token": "s3"}
    assert licensing.options["retries"] == 2 and licensing.options["retry_delay"] == 0.01
    assert licensing.options["retry_max_delay"] == 30.0
    assert enforcement.options["directory"] == tmp_path / "drops"


def test_feeds_carry_their_fields_and_kind_options(tmp_path: Path) -> None:
    registration, licensing, enforcement = write_and_load(tmp_path, document()).sources
    enterprises = registration.feeds[0]
    assert enterprises.record is RecordKind.REGISTRATION
    assert (enterprises.id_field, enterprises.updated_field) == ("nbxh", "gxsj")
    assert enterprises.uscc_field == "tyshxydm"
    capital = enterprises.fields["registered_capital"]
    assert (capital.source, capital.unit, capital.type.base) == ("zczb", "万元", Decimal)
    status = enterprises.fields["status"]
    assert status.type.base is EnterpriseStatus and status.type.required
    assert enterprises.fields["former_names"].type.many
    assert enterprises.fields["division"].default == "440500"
    licences = licensing.feeds[0]
    assert licences.options == {
        "path": "/licences", "page_size": 100, "fetch_path": "/licences/by-uscc"
    }
    penalties = enforcement.feeds[0]
    assert penalties.updated_field is None
    assert penalties.options == {
        "pattern": "penalties-*.csv", "require_done": True, "encoding": "utf-8"
    }
    assert penalties.fields["procedure"].constant is PenaltyProcedure.ORDINARY
    assert penalties.fields["measures"].type.base is PenaltyMeasure


def test_constants_and_defaults_are_canonical_values(tmp_path: Path) -> None:
    doc = document()
    fields = doc["source"][2]["feed"][0]["fields"]
    fields["fine_amount"] = {"from": "fkje", "default": "0.00"}
    fields["measures"] = {"from": "cfzl", "default": ["WARNING", "FINE"]}
    fields["decided_on"] = {"from": "cfrq", "default": "2024-02-29"}
    feed = write_and_load(tmp_path, doc).sources[2].feeds[0]
    assert feed.fields["fine_amount"].default == Decimal(0)
    assert feed.fields["measures"].default == (PenaltyMeasure.WARNING, PenaltyMeasure.FINE)
    assert feed.fields["decided_on"].default == dt.date(2024, 2, 29)


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^missing\.toml: cannot read"):
        load_sources_config(tmp_path / "missing.toml", {})
    broken = tmp_path / "broken.toml"
    broken.write_text("[[source]\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^broken\.toml: invalid TOML"):
        load_sources_config(broken, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30s", dt.timedelta(seconds=30)), ("5m", dt.timedelta(minutes=5)),
     ("1h", dt.timedelta(hours=1)), ("250ms", dt.timedelta(milliseconds=250)),
     ("2d", dt.timedelta(days=2))],
)
def test_durations(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["0s", "5", "5 m", "-1m", "1.5h", "1w", ""])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


Edit = Callable[[dict[str, Any]], Any]


def _pg(doc: dict[str, Any]) -> dict[str, Any]:
    source: dict[str, Any] = doc["source"][0]
    return source


def _http(doc: dict[str, Any]) -> dict[str, Any]:
    source: dict[str, Any] = doc["source"][1]
    return source


def _files(doc: dict[str, Any]) -> dict[str, Any]:
    source: dict[str, Any] = doc["source"][2]
    return source


def _feed(source: dict[str, Any]) -> dict[str, Any]:
    feed: dict[str, Any] = source["feed"][0]
    return feed


def _fields(source: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = _feed(source)["fields"]
    return fields


REG = 'sources.toml: source "registration"'
REG_FEED = f'{REG} feed "enterprises"'
LIC_FEED = 'sources.toml: source "licensing" feed "licences"'
PEN_FEED = 'sources.toml: source "enforcement" feed "penalties"'

BAD_CONFIGS: list[tuple[str, Edit, str]] = [
    ("no sources", lambda d: d.pop("source"), "sources.toml: no [[source]] is defined"),
    ("unknown top-level key", lambda d: d.update(sources=[]),
     'sources.toml: unknown key "sources"'),
    ("unknown default", lambda d: d["defaults"].update(intervall="5m"),
     'sources.toml: [defaults]: unknown key "intervall"'),
    ("bad default duration", lambda d: d["defaults"].update(timeout="10 seconds"),
     'sources.toml: [defaults]: key "timeout": "10 seconds" is not a duration'),
    ("missing variable", lambda d: _pg(d).update(dsn="${EXCHANGE_DSN}"),
     f'{REG}: key "dsn": environment variable EXCHANGE_DSN is not set'),
    ("malformed variable", lambda d: _pg(d).update(dsn="${exchange-dsn}"),
     f'{REG}: key "dsn": "${{exchange-dsn}}" is not a valid variable reference'),
    ("bad source name", lambda d: _pg(d).update(name="Registration"),
     'sources.toml: source #1: key "name": "Registration" is not a name matching'),
    ("missing source name", lambda d: _pg(d).pop("name"),
     'sources.toml: source #1: key "name" is required'),
    ("duplicate source", lambda d: _http(d).update(name="registration"),
     f"{REG} is defined twice"),
    ("unknown connector", lambda d: _pg(d).update(connector="oracle"),
     f'{REG}: key "connector": "oracle" is not one of postgres, http, file'),
    ("misspelt key", lambda d: _pg(d).update(intervall="5m"), f'{REG}: unknown key "intervall"'),
    ("key of another kind", lambda d: _pg(d).update(base_url="http://x"),
     f'{REG}: unknown key "base_url"'),
    ("missing department", lambda d: _pg(d).pop("department"),
     f'{REG}: key "department" is required'),
    ("empty department", lambda d: _pg(d).update(department=" "),
     f'{REG}: key "department": expected a non-empty string'),
    ("missing dsn", lambda d: _pg(d).pop("dsn"), f'{REG}: key "dsn" is required'),
    ("dsn not a postgres URL", lambda d: _pg(d).update(dsn="mysql://u:secret@db/x"),
     f'{REG}: key "dsn": expected a postgresql:// URL'),
    ("zero interval", lambda d: _pg(d).update(interval="0s"),
     f'{REG}: key "interval": "0s" is not a positive duration'),
    ("numeric duration", lambda d: _pg(d).update(max_age=60),
     f'{REG}: key "max_age": expected a duration like "30s", got 60'),
    ("zero batch size", lambda d: _pg(d).update(batch_size=0),
     f'{REG}: key "batch_size": expected an integer from 1 to 100000, got 0'),
    ("text batch size", lambda d: _pg(d).update(batch_size="100"),
     f'{REG}: key "batch_size": expected an integer from 1 to 100000, got "100"'),
    ("boolean batch size", lambda d: _pg(d).update(batch_size=True),
     f'{REG}: key "batch_size": expected an integer from 1 to 100000, got True'),
    ("no feed", lambda d: _pg(d).pop("feed"), f"{REG}: no [[source.feed]] is defined"),
    ("duplicate feed", lambda d: _pg(d)["feed"].append(dict(_feed(_pg(d)))),
     f'{REG}: feed "enterprises" is defined twice'),
    ("bad feed name", lambda d: _feed(_pg(d)).update(name="企业"),
     f'{REG} feed #1: key "name": "企业" is not a name matching'),
    ("unknown record kind", lambda d: _feed(_pg(d)).update(record="LICENCE"),
     f'{REG_FEED}: key "record": "LICENCE" is not one of REGISTRATION, LICENSE'),
    ("feed key of another kind", lambda d: _feed(_pg(d)).update(path="/x"),
     f'{REG_FEED}: unknown key "path"'),
    ("missing table", lambda d: _feed(_pg(d)).pop("table"), f'{REG_FEED}: key "table" is required'),
    ("table with SQL", lambda d: _feed(_pg(d)).update(table="djzc; DROP TABLE x"),
     f'{REG_FEED}: key "table": "djzc; DROP TABLE x" is not a table name'),
    ("quoted id column", lambda d: _feed(_pg(d)).update(id='nbxh"--'),
     f'{REG_FEED}: key "id": "nbxh"--" is not a column name'),
    ("missing updated column", lambda d: _feed(_pg(d)).pop("updated"),
     f'{REG_FEED}: key "updated" is required'),
    ("bad uscc column", lambda d: _feed(_pg(d)).update(uscc_column="a b"),
     f'{REG_FEED}: key "uscc_column": "a b" is not a column name'),
    ("no fields", lambda d: _feed(_pg(d)).pop("fields"),
     f"{REG_FEED}: no [source.feed.fields] table"),
    ("unknown canonical field", lambda d: _fields(_pg(d)).update(nmae="qymc"),
     f'{REG_FEED}: field "nmae": not a field of REGISTRATION'),
    ("required field unmapped", lambda d: _fields(_pg(d)).pop("name"),
     f"{REG_FEED}: required field name of REGISTRATION is not mapped"),
    ("map value not an enum member",
     lambda d: _fields(_http(d))["status"]["map"].update(停用="FOO"),
     f'{LIC_FEED}: field "status": "FOO" is not a LicenseStatus'),
    ("enum constant not a member",
     lambda d: _fields(_files(d)).update(procedure={"value": "QUICK"}),
     f'{PEN_FEED}: field "procedure": key "value": "QUICK" is not a PenaltyProcedure'),
    ("enum default not a member", lambda d: _fields(_http(d)).update(
        key_area={"from": "zdly", "default": "FOOD"}),
     f'{LIC_FEED}: field "key_area": key "default": "FOOD" is not a KeyArea'),
    ("unknown unit", lambda d: _fields(_pg(d))["registered_capital"].update(unit="千元"),
     f'{REG_FEED}: field "registered_capital": key "unit": "千元" is not one of 元, 万元'),
    ("unit on text", lambda d: _fields(_pg(d)).update(name={"from": "qymc", "unit": "元"}),
     f'{REG_FEED}: field "name": key "unit": applies to amount fields only'),
    ("format on amount", lambda d: _fields(_pg(d))["registered_capital"].update(format="%d"),
     f'{REG_FEED}: field "registered_capital": key "format": applies to date fields only'),
    ("split on a single value",
     lambda d: _fields(_pg(d)).update(name={"from": "qymc", "split": ","}),
     f'{REG_FEED}: field "name": key "split": applies to list fields only'),
    ("map on a date", lambda d: _fields(_pg(d)).update(established_on={"from": "clrq", "map": {}}),
     f'{REG_FEED}: field "established_on": key "map": applies to text and enum fields only'),
    ("from and value", lambda d: _fields(_pg(d)).update(name={"from": "qymc", "value": "x"}),
     f'{REG_FEED}: field "name": give exactly one of "from" (source field) or "value"'),
    ("neither from nor value", lambda d: _fields(_pg(d)).update(name={"default": "x"}),
     f'{REG_FEED}: field "name": give exactly one of "from" (source field) or "value"'),
    ("unknown field key", lambda d: _fields(_pg(d)).update(name={"from": "qymc", "trim": True}),
     f'{REG_FEED}: field "name": unknown key "trim"'),
    ("constant uscc", lambda d: _fields(_pg(d)).update(uscc={"value": "91440500MA4UA0001X"}),
     f'{REG_FEED}: field "uscc": must come "from" a source field'),
    ("bad date default", lambda d: _fields(_pg(d)).update(
        established_on={"from": "clrq", "default": "2024-13-01"}),
     f'{REG_FEED}: field "established_on": key "default": "2024-13-01" is not a date'),
    ("bad amount default", lambda d: _fields(_pg(d)).update(
        registered_capital={"from": "zczb", "default": "lots"}),
     f'{REG_FEED}: field "registered_capital": key "default": "lots" is not an amount'),
    ("field given as a number", lambda d: _fields(_pg(d)).update(name=3),
     f'{REG_FEED}: field "name": expected a source field name or a table, got 3'),
    ("http base_url not http", lambda d: _http(d).update(base_url="ftp://host/api"),
     'source "licensing": key "base_url": "ftp://host/api" is not an http:// or https:// URL'),
    ("http header name", lambda d: _http(d).update(headers={"X Token": "a"}),
     'source "licensing": headers: key "X Token" is not a valid HTTP header name'),
    ("http header variable", lambda d: _http(d).update(headers={"X-Token": "${NO_TOKEN}"}),
     'source "licensing": headers: key "X-Token": environment variable NO_TOKEN is not set'),
    ("negative retries", lambda d: _http(d).update(retries=-1),
     'source "licensing": key "retries": expected an integer from 0 to 20, got -1'),
    ("http path without slash", lambda d: _feed(_http(d)).update(path="licences"),
     f'{LIC_FEED}: key "path": "licences" is not a path starting with /'),
    ("http page size", lambda d: _feed(_http(d)).update(page_size=0),
     f'{LIC_FEED}: key "page_size": expected an integer from 1 to 100000, got 0'),
    ("http missing updated", lambda d: _feed(_http(d)).pop("updated"),
     f'{LIC_FEED}: key "updated" is required'),
    ("file pattern type", lambda d: _feed(_files(d)).update(pattern="*.xlsx"),
     f'{PEN_FEED}: key "pattern": "*.xlsx" is not a file name glob ending in .csv or .jsonl'),
    ("file pattern with folder", lambda d: _feed(_files(d)).update(pattern="../*.csv"),
     f'{PEN_FEED}: key "pattern": "../*.csv" is not a file name glob'),
    ("file require_done text", lambda d: _feed(_files(d)).update(require_done="yes"),
     f'{PEN_FEED}: key "require_done": expected true or false, got "yes"'),
    ("file encoding", lambda d: _feed(_files(d)).update(encoding="klingon"),
     f'{PEN_FEED}: key "encoding": "klingon" is not a known text encoding'),
    ("overlap not a duration", lambda d: _pg(d).update(overlap="soon"),
     f'{REG}: key "overlap": "soon" is not a duration like "30s", "5m" or "1h"'),
    ("zero overlap", lambda d: _pg(d).update(overlap="0s"),
     f'{REG}: key "overlap": "0s" is not a positive duration'),
    ("huge batch size", lambda d: _pg(d).update(batch_size=10_000_000),
     f'{REG}: key "batch_size": expected an integer from 1 to 100000, got 10000000'),
    ("huge retries", lambda d: _http(d).update(retries=1000),
     'source "licensing": key "retries": expected an integer from 0 to 20, got 1000'),
    ("binary codec as encoding", lambda d: _feed(_files(d)).update(encoding="hex"),
     f'{PEN_FEED}: key "encoding": "hex" is not a known text encoding'),
    ("file missing directory", lambda d: _files(d).pop("directory"),
     'source "enforcement": key "directory" is required'),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_configurations_name_the_problem(tmp_path: Path, edit: Edit, expected: str) -> None:
    doc = document()
    edit(doc)
    with pytest.raises(ConfigError) as caught:
        write_and_load(tmp_path, doc)
    assert expected in str(caught.value)


def test_a_secret_in_a_bad_dsn_is_not_repeated(tmp_path: Path) -> None:
    doc = document()
    _pg(doc).update(dsn="mysql://u:hunter2@db/x")
    with pytest.raises(ConfigError) as caught:
        write_and_load(tmp_path, doc)
    assert "hunter2" not in str(caught.value)
