"""adapters/examples/sources.toml: valid for the config parser, and it maps every demo row
except exactly the deliberate faults."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.base import RawRow
from adapters.config import ConfigError, SourcesConfig, load_sources_config
from adapters.demo import labels, layout
from adapters.demo.context import Chunk
from adapters.demo.generator import Generator
from adapters.demo.run import CONFIG_PATH
from adapters.mapping import Mapped, Mapper
from gateway.records import Penalty, Registration

ENV = {
    "DEMO_EXCHANGE_DSN": "postgresql://demo@127.0.0.1:5432/demo_exchange",
    "DEMO_LICENSING_URL": "http://127.0.0.1:9001",
    "DEMO_LICENSING_KEY": "key",
    "DEMO_INSPECTION_URL": "http://127.0.0.1:9002",
    "DEMO_DROP_DIR": "/srv/drops",
}
FEEDS = {  # (source, feed in the config) → (layout feed, chunk attribute)
    ("registration", "enterprises"): (layout.REGISTRATIONS, "registrations"),
    ("licensing", "licences"): (layout.LICENCES, "licences"),
    ("licensing", "commitments"): (layout.COMMITMENTS, "commitments"),
    ("enforcement", "penalties"): (layout.PENALTIES, "penalties"),
    ("enforcement", "listings"): (layout.LISTINGS, "listings"),
    ("inspection", "inspections"): (layout.INSPECTIONS, "inspections"),
    ("inspection", "samplings"): (layout.SAMPLINGS, "samplings"),
}


@pytest.fixture(scope="module")
def config() -> SourcesConfig:
    return load_sources_config(CONFIG_PATH, ENV)


@pytest.fixture(scope="module")
def chunk() -> Chunk:
    return Generator(2026, 2000).chunk(0)


def _as_delivered(source: str, data: dict[str, Any]) -> dict[str, Any]:
    """A row as its connector hands it over: numeric columns as Decimal from PostgreSQL,
    empty CSV cells as empty strings."""
    if source == "registration" and data["zczb"] is not None:
        return {**data, "zczb": Decimal(data["zczb"])}
    if source == "enforcement" and "cfid" in data:
        return {k: "" if v is None else v for k, v in data.items()}
    return data


def test_the_example_names_the_four_departments(config: SourcesConfig) -> None:
    kinds = {s.name: s.connector for s in config.sources}
    assert kinds == {"registration": "postgres", "licensing": "http", "enforcement": "file",
                     "inspection": "http"}
    assert all("市场监督管理局" in s.department for s in config.sources)
    licensing = config.get("licensing")
    assert licensing is not None
    assert dict(licensing.options["headers"]) == {"X-Api-Key": "key"}
    assert licensing.options["base_url"] == "http://127.0.0.1:9001"


def test_feeds_match_the_demo_systems(config: SourcesConfig) -> None:
    for (source_name, feed_name), (feed, _) in FEEDS.items():
        source = config.get(source_name)
        assert source is not None
        configured = source.feed(feed_name)
        assert configured.id_field == feed.id_column
        assert configured.updated_field == feed.updated_column
        for spec in configured.fields.values():
            if spec.source is not None:
                assert spec.source in feed.columns, (feed_name, spec.source)
        path = configured.options.get("path")
        if path is not None:
            assert path == f"/api/v1/{feed.name}"
            assert configured.options["fetch_path"] == f"/api/v1/{feed.name}/by-uscc"


def test_maps_agree_with_the_systems_value_lists(config: SourcesConfig) -> None:
    expected: dict[tuple[str, str, str], dict[str, Any]] = {
        ("registration", "enterprises", "status"): labels.ENTERPRISE_STATUS,
        ("licensing", "licences", "status"): labels.LICENCE_STATUS,
        ("licensing", "licences", "key_area"): labels.KEY_AREA,
        ("licensing", "commitments", "status"): labels.COMMITMENT_STATUS,
        ("enforcement", "penalties", "measures"): labels.PENALTY_MEASURE,
        ("enforcement", "penalties", "procedure"): labels.PENALTY_PROCEDURE,
        ("enforcement", "listings", "kind"): labels.LIST_KIND,
        ("inspection", "inspections", "kind"): labels.INSPECTION_KIND,
        ("inspection", "inspections", "result"): labels.INSPECTION_RESULT,
        ("inspection", "samplings", "result"): labels.SAMPLING_RESULT,
    }
    for (source_name, feed_name, field), values in expected.items():
        source = config.get(source_name)
        assert source is not None
        mapping = source.feed(feed_name).fields[field].map
        assert mapping is not None
        assert dict(mapping) == {k: v.value for k, v in values.items()}, (feed_name, field)


def test_every_row_maps_except_the_deliberate_faults(config: SourcesConfig, chunk: Chunk) -> None:
    faults = {(f.feed, f.record_id): f for f in chunk.faults}
    quarantined: Counter[str] = Counter()
    for (source_name, feed_name), (feed, attribute) in FEEDS.items():
        source = config.get(source_name)
        assert source is not None
        mapper = Mapper(source)
        for row in getattr(chunk, attribute):
            data = _as_delivered(source_name, dict(zip(feed.columns, row, strict=True)))
            outcome = mapper.map(RawRow(feed_name, f"{feed.name} id={row[0]}", data))
            is_fault = (feed.name, str(row[0])) in faults
            assert isinstance(outcome, Mapped) != is_fault, (feed_name, row, outcome)
            quarantined[source_name] += is_fault
    assert quarantined == Counter({s: n for s, n in Counter(f.source for f in chunk.faults).items()})


def test_mapped_values_have_canonical_types(config: SourcesConfig, chunk: Chunk) -> None:
    registration = config.get("registration")
    enforcement = config.get("enforcement")
    assert registration is not None and enforcement is not None
    faults = {f.record_id for f in chunk.faults}
    row = next(r for r in chunk.registrations
               if r[layout.REGISTRATIONS.position("zczb")] == "100" and str(r[0]) not in faults)
    data = _as_delivered("registration", dict(zip(layout.REGISTRATIONS.columns, row, strict=True)))
    mapped = Mapper(registration).map(RawRow("enterprises", "x", data))
    assert isinstance(mapped, Mapped) and isinstance(mapped.record, Registration)
    assert mapped.record.registered_capital == Decimal("1000000")
    assert mapped.record.division == data["xzqh"]
    fined = next(r for r in chunk.penalties if r[9] and str(r[0]) not in faults)
    data = _as_delivered("enforcement", dict(zip(layout.PENALTIES.columns, fined, strict=True)))
    mapped = Mapper(enforcement).map(RawRow("penalties", "x", data))
    assert isinstance(mapped, Mapped) and isinstance(mapped.record, Penalty)
    assert mapped.record.fine_amount == Decimal(str(fined[9]))
    assert mapped.record.measures


def test_personal_data_map_as_given_and_empty_phones_to_null(
    config: SourcesConfig, chunk: Chunk
) -> None:
    registration = config.get("registration")
    assert registration is not None
    mapper = Mapper(registration)
    faults = {f.record_id for f in chunk.faults}
    phones: Counter[bool] = Counter()
    for row in chunk.registrations:
        if str(row[0]) in faults:
            continue
        data = _as_delivered("registration", dict(zip(layout.REGISTRATIONS.columns, row,
                                                      strict=True)))
        mapped = mapper.map(RawRow("enterprises", "x", data))
        assert isinstance(mapped, Mapped) and isinstance(mapped.record, Registration)
        assert mapped.record.legal_representative_id_number == data["fddbrzjhm"]
        assert mapped.record.contact_phone == (data["lxdh"] or None)
        assert mapped.record.address == data["zs"]
        phones[mapped.record.contact_phone is None] += 1
    assert phones[True] and phones[False]


def test_the_example_needs_its_variables(tmp_path: Path) -> None:
    env = {k: v for k, v in ENV.items() if k != "DEMO_LICENSING_KEY"}
    with pytest.raises(ConfigError, match="DEMO_LICENSING_KEY"):
        load_sources_config(CONFIG_PATH, env)
