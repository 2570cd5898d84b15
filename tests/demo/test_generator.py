"""The demo data set: deterministic, valid where it should be, faulty where it must be."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from statistics import mean
from typing import Any

import pytest

from adapters.demo import days, labels, layout
from adapters.demo.context import Chunk
from adapters.demo.faults import KINDS
from adapters.demo.generator import CHUNK_SIZE, Generator
from adapters.demo.places import CITY_CODE, DISTRICTS
from gateway.uscc import is_valid

DISTRICT_CODES = {d.code for d in DISTRICTS}
FEEDS = {"registrations": layout.REGISTRATIONS, "licences": layout.LICENCES,
         "commitments": layout.COMMITMENTS, "penalties": layout.PENALTIES,
         "listings": layout.LISTINGS, "inspections": layout.INSPECTIONS,
         "samplings": layout.SAMPLINGS}


@pytest.fixture(scope="module")
def chunk() -> Chunk:
    return Generator(2026, 2000).chunk(0)


def _faulty(chunk: Chunk, feed: layout.Feed) -> set[str]:
    return {f.record_id for f in chunk.faults if f.feed == feed.name}


def _column(rows: list[tuple[object, ...]], feed: layout.Feed, column: str) -> list[object]:
    position = feed.position(column)
    return [row[position] for row in rows]


def _registered(row: tuple[object, ...], column: str) -> object:
    """One column of a registration row."""
    return row[layout.REGISTRATIONS.position(column)]


def test_same_seed_gives_the_same_rows(chunk: Chunk) -> None:
    again = Generator(2026, 2000).chunk(0)
    assert dataclasses.asdict(again) == dataclasses.asdict(chunk)


def test_another_seed_gives_other_rows(chunk: Chunk) -> None:
    other = Generator(2027, 2000).chunk(0)
    assert other.registrations[0][1] != chunk.registrations[0][1]
    assert other.truths != chunk.truths


def test_chunks_are_independent_of_generation_order() -> None:
    first = Generator(5, CHUNK_SIZE + 300)
    second = Generator(5, CHUNK_SIZE + 300)
    later = second.chunk(1)
    assert [c.registrations for c in first.chunks()][1] == later.registrations
    assert len(later.registrations) == 300 and later.first == CHUNK_SIZE


def test_every_row_has_the_columns_of_its_feed(chunk: Chunk) -> None:
    for attribute, feed in FEEDS.items():
        rows = getattr(chunk, attribute)
        assert rows, attribute
        assert {len(row) for row in rows} == {len(feed.columns)}, attribute
        ids = _column(rows, feed, feed.id_column)
        assert len(set(ids)) == len(ids), f"duplicate ids in {attribute}"


def test_codes_are_valid_and_unique_except_the_faults(chunk: Chunk) -> None:
    feed = layout.REGISTRATIONS
    faulty = _faulty(chunk, feed)
    codes = {}
    for row in chunk.registrations:
        code = str(row[1])
        if str(row[0]) in faulty:
            continue
        assert is_valid(code), code
        assert code[:2] in {"91", "92", "93"}
        assert code[2:8] in DISTRICT_CODES | {CITY_CODE}
        codes[code] = row
    assert len(codes) == len(chunk.registrations) - len(faulty)
    for attribute in ("licences", "commitments", "penalties", "listings", "inspections",
                      "samplings"):
        feed = FEEDS[attribute]
        faulty = _faulty(chunk, feed)
        for row in getattr(chunk, attribute):
            if str(row[0]) not in faulty:
                assert is_valid(str(row[1])), (attribute, row)


def test_every_source_has_faults_of_several_kinds(chunk: Chunk) -> None:
    by_source = Counter(f.source for f in chunk.faults)
    assert set(by_source) == set(KINDS)
    assert min(by_source.values()) >= 2
    problems = {(f.source, f.problem) for f in chunk.faults}
    assert ("registration", "wrong check character") in problems
    assert ("enforcement", "unparseable amount") in problems
    feeds = {f.feed for f in chunk.faults}
    assert {"xzcf", "mdxx", "xkxx", "ccjc"} <= feeds


def test_faulty_values_are_in_the_rows(chunk: Chunk) -> None:
    rows = {str(r[0]): r for r in chunk.registrations}
    for fault in chunk.faults:
        if fault.feed != layout.REGISTRATIONS.name:
            continue
        row = rows[fault.record_id]
        if fault.problem == "wrong check character":
            assert not is_valid(str(row[1])) and row[1] != fault.uscc
        elif fault.problem == "missing name":
            assert row[2] is None
        elif fault.problem == "impossible date":
            with pytest.raises(ValueError):
                dt.datetime.strptime(str(_registered(row, "clrq")), "%Y%m%d")
        else:
            assert _registered(row, "djzt") not in labels.ENTERPRISE_STATUS


def test_values_come_from_the_systems_value_lists(chunk: Chunk) -> None:
    faulty = {f.record_id for f in chunk.faults}
    checks: list[tuple[str, str, dict[str, Any]]] = [
        ("registrations", "djzt", labels.ENTERPRISE_STATUS),
        ("licences", "zt", labels.LICENCE_STATUS),
        ("commitments", "hczt", labels.COMMITMENT_STATUS),
        ("listings", "mdlx", labels.LIST_KIND),
        ("inspections", "jclx", labels.INSPECTION_KIND),
        ("inspections", "jcjg", labels.INSPECTION_RESULT),
        ("samplings", "jyjl", labels.SAMPLING_RESULT),
        ("penalties", "cfcx", labels.PENALTY_PROCEDURE),
    ]
    for attribute, column, allowed in checks:
        feed = FEEDS[attribute]
        rows = [r for r in getattr(chunk, attribute) if str(r[0]) not in faulty]
        values = {str(v) for v in _column(rows, feed, column)}
        assert values <= set(allowed), (attribute, values - set(allowed))
    measures = {m for text in _column(chunk.penalties, layout.PENALTIES, "cfzl")
                for m in str(text).split(";")}
    assert measures <= set(labels.PENALTY_MEASURE)


def test_dates_and_update_times_are_before_the_reference_date(chunk: Chunk) -> None:
    faulty = {f.record_id for f in chunk.faults}
    last = dt.date.fromordinal(days.LAST_DAY).isoformat()
    for row in chunk.penalties:
        if str(row[0]) not in faulty:
            assert "2019-01-01" <= str(row[4]) <= last
    for attribute, feed in FEEDS.items():
        for stamp in _column(getattr(chunk, attribute), feed, "gxsj"):
            moment = dt.datetime.fromisoformat(str(stamp))
            assert moment.utcoffset() == dt.timedelta(hours=8)
            assert moment.date() <= dt.date.fromordinal(days.LAST_DAY)


def test_licence_and_decision_numbers_have_their_formats(chunk: Chunk) -> None:
    numbers = _column(chunk.licences, layout.LICENCES, "xkzbh")
    patterns = (r"SC[12]\d{2}4405\d{2}\d{4}\d", r"TS\d{7}-20\d\d", r"粤XK16-204-\d{5}",
                r"JY[12]4405\d{2}\d{6}\d")
    for number in numbers:
        assert any(re.fullmatch(p, str(number)) for p in patterns), number
    assert any(str(n).startswith("SC") for n in numbers)
    faulty = _faulty(chunk, layout.PENALTIES)
    for row in chunk.penalties:
        if str(row[0]) not in faulty:
            assert re.fullmatch(r"汕\w{0,2}市监(简)?罚〔20\d\d〕\d+号", str(row[3])), row[3]


def test_penalties_span_the_severity_tiers(chunk: Chunk) -> None:
    measures = Counter(_column(chunk.penalties, layout.PENALTIES, "cfzl"))
    assert measures["警告"] > 0
    assert any("吊销" in str(m) or "停产" in str(m) for m in measures)
    procedures = Counter(_column(chunk.penalties, layout.PENALTIES, "cfcx"))
    assert procedures["简易程序"] > 0 and procedures["普通程序"] > 0
    faulty = _faulty(chunk, layout.PENALTIES)
    simple_fines = [float(str(r[9])) for r in chunk.penalties
                    if r[11] == "简易程序" and r[9] is not None and str(r[0]) not in faulty]
    assert simple_fines and max(simple_fines) <= 3000


def test_trades_cluster_where_they_do_in_shantou(chunk: Chunk) -> None:
    toys = [r for r in chunk.registrations if str(_registered(r, "hydm")).startswith("C245")]
    assert toys
    in_chenghai = sum(1 for r in toys if _registered(r, "xzqh") == "440515")
    assert in_chenghai / len(toys) > 0.5
    assert any("玩具" in str(r[2]) and str(r[2]).startswith("汕头市澄海区") for r in toys)
    names = _column(chunk.registrations, layout.REGISTRATIONS, "qymc")
    assert any(str(n).endswith("有限公司") for n in names)
    assert any(_registered(r, "qylx") == "个体工商户" for r in chunk.registrations)
    assert any(r[3] for r in chunk.registrations), "some enterprises have former names"


def test_statuses_are_mostly_operating(chunk: Chunk) -> None:
    statuses = Counter(_registered(r, "djzt") for r in chunk.registrations)
    operating = statuses["存续"] + statuses["在业"]
    assert operating / len(chunk.registrations) > 0.75
    assert statuses["吊销"] and statuses["注销"]


def test_risk_is_ground_truth_only_and_drives_the_records(chunk: Chunk) -> None:
    risks = dict(chunk.truths)
    assert len(risks) == 2000 and all(0 <= r <= 1 for r in risks.values())
    for feed in FEEDS.values():
        assert "risk" not in feed.columns
    penalised = Counter(str(r[1]) for r in chunk.penalties)
    low = [penalised[u] for u, r in risks.items() if r < 0.1]
    high = [penalised[u] for u, r in risks.items() if r > 0.5]
    assert mean(high) > 3 * mean(low)


def test_showcase_enterprises_have_every_kind_of_record(chunk: Chunk) -> None:
    assert chunk.showcase
    best = max(chunk.showcase)[2]
    for attribute in ("licences", "penalties", "listings"):
        assert best in {str(r[1]) for r in getattr(chunk, attribute)}, attribute
    assert best in {str(r[1]) for r in chunk.inspections + chunk.samplings}


@pytest.mark.parametrize(
    ("seed", "enterprises", "error"),
    [(1, 0, ValueError), (1, 10_000_000, ValueError), (1, 2.5, TypeError),
     ("1", 10, TypeError), (1, True, TypeError)],
)
def test_bad_arguments_are_refused(seed: object, enterprises: object,
                                   error: type[Exception]) -> None:
    with pytest.raises(error, match=r"seed|enterprises"):
        Generator(seed, enterprises)  # type: ignore[arg-type]


def test_chunk_index_outside_the_data_set_is_refused() -> None:
    with pytest.raises(IndexError, match="chunk 1"):
        Generator(1, 10).chunk(1)
