"""Sources configurations for the adapter tests, written as real TOML files."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.config import SourceConfig, SourcesConfig, load_sources_config
from gateway.uscc import make

USCC_A = make("91440500MA4UA0001")
USCC_B = make("91440507MA4UB0002")
USCC_C = make("92440511MA4UC0003")

REGISTRATION_FIELDS: dict[str, Any] = {
    "uscc": "tyshxydm",
    "name": "qymc",
    "status": {
        "from": "djzt",
        "map": {
            "存续": "OPERATING", "在业": "OPERATING", "吊销": "REVOKED",
            "注销": "DEREGISTERED", "迁出": "MOVED_OUT", "停业": "SUSPENDED",
        },
    },
    "legal_representative": "fddbr",
    "legal_representative_id_number": "fddbrzjhm",
    "contact_phone": "lxdh",
    "registered_capital": {"from": "zczb", "unit": "万元"},
    "established_on": {"from": "clrq", "format": "%Y%m%d"},
    "address": "zs",
    "industry": "hydm",
    "registration_authority": "djjg",
    "entity_type": "qylx",
    "former_names": {"from": "cym", "split": ";"},
    "division": {"from": "xzqh", "default": "440500"},
}

LICENSE_FIELDS: dict[str, Any] = {
    "uscc": "tyshxydm",
    "number": "xkzh",
    "title": "xkmc",
    "issued_by": "fzjg",
    "status": {"from": "zt", "map": {"有效": "VALID", "过期": "EXPIRED", "注销": "CANCELLED"}},
    "key_area": "zdly",
    "issued_on": "fzrq",
    "valid_until": "yxqz",
}

PENALTY_FIELDS: dict[str, Any] = {
    "uscc": "tyshxydm",
    "decision_number": "cfjdsh",
    "decided_on": "cfrq",
    "authority": "cfjg",
    "violation": "wfxw",
    "measures": {"from": "cfzl", "split": "、", "map": {"警告": "WARNING", "罚款": "FINE"}},
    "procedure": {"value": "ORDINARY"},
    "fine_amount": "fkje",
    "confiscated_amount": {"from": "mmje", "unit": "元"},
}


def document() -> dict[str, Any]:
    """A valid configuration with one source of each connector kind."""
    return copy.deepcopy(_DOCUMENT)


_DOCUMENT: dict[str, Any] = {
    "defaults": {"interval": "10m", "max_age": "2h", "batch_size": 2000, "timeout": "5s"},
    "source": [
        {
            "name": "registration", "department": "登记注册", "connector": "postgres",
            "dsn": "${REGISTRATION_DSN}", "interval": "30s",
            "feed": [{
                "name": "enterprises", "record": "REGISTRATION", "id": "nbxh",
                "updated": "gxsj", "table": "djzc_qyjbxx", "fields": REGISTRATION_FIELDS,
            }],
        },
        {
            "name": "licensing", "department": "行政许可", "connector": "http",
            "base_url": "http://127.0.0.1:9/api/", "headers": {"X-Token": "${LICENSING_TOKEN}"},
            "retries": 2, "retry_delay": "10ms",
            "feed": [{
                "name": "licences", "record": "LICENSE", "id": "xkzh", "updated": "gxsj",
                "path": "/licences", "page_size": 100, "fetch_path": "/licences/by-uscc",
                "fields": LICENSE_FIELDS,
            }],
        },
        {
            "name": "enforcement", "department": "执法稽查", "connector": "file",
            "directory": "drops", "batch_size": 10,
            "feed": [{
                "name": "penalties", "record": "PENALTY", "id": "cfjdsh",
                "pattern": "penalties-*.csv", "require_done": True, "fields": PENALTY_FIELDS,
            }],
        },
    ],
}

ENV = {"REGISTRATION_DSN": "postgresql://postgres@127.0.0.1:1/exchange", "LICENSING_TOKEN": "s3"}


def toml_value(value: Any) -> str:
    """`value` as a TOML inline value (JSON strings are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    pairs = (f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items())
    return "{" + ", ".join(pairs) + "}"


def toml_text(doc: Mapping[str, Any]) -> str:
    """A TOML document with `doc`'s top-level keys."""
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in doc.items())


def write_and_load(
    directory: Path, doc: Mapping[str, Any], env: Mapping[str, str] = ENV
) -> SourcesConfig:
    """Write `doc` as sources.toml in `directory` and load it."""
    path = directory / "sources.toml"
    path.write_text(toml_text(doc), encoding="utf-8")
    return load_sources_config(path, env)


def one_source(directory: Path, source: dict[str, Any], **env: str) -> SourceConfig:
    """Load a configuration holding just `source`."""
    return write_and_load(directory, {"source": [source]}, env).sources[0]
