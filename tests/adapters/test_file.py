"""The file connector against real CSV and JSON Lines files in a drop folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adapters.base import Batch, Cursor, FetchUnsupported, SourceUnavailable
from adapters.config import SourceConfig
from adapters.connectors import open_connector
from adapters.mapping import Mapped, Mapper, Quarantined
from gateway.records import Penalty
from tests.adapters.configs import PENALTY_FIELDS, USCC_A, USCC_B, one_source

HEADER = "cfjdsh,tyshxydm,cfrq,cfjg,wfxw,cfzl,fkje,mmje"


def _csv_line(number: int, uscc: str = USCC_A) -> str:
    return (f"汕市监罚〔2024〕{number}号,{uscc},2024-03-01,汕头市市场监督管理局,"
            '超范围经营,警告、罚款,"1,000",')


def _penalty(number: int, uscc: str = USCC_B) -> dict[str, Any]:
    return {"cfjdsh": f"汕市监罚〔2024〕{number}号", "tyshxydm": uscc, "cfrq": "2024-04-02",
            "cfjg": "汕头市市场监督管理局", "wfxw": "未按规定公示", "cfzl": "警告", "fkje": "0"}


def _write_csv(path: Path, numbers: range, *, bom: bool = False) -> None:
    text = "\n".join([HEADER, *(_csv_line(n) for n in numbers)]) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")


def _source(
    tmp_path: Path, batch_size: int = 100, pattern: str = "penalties-*.csv", **feed: Any
) -> SourceConfig:
    (tmp_path / "drops").mkdir(exist_ok=True)
    return one_source(tmp_path, {
        "name": "enforcement", "department": "执法稽查", "connector": "file",
        "directory": "drops", "batch_size": batch_size,
        "feed": [{"name": "penalties", "record": "PENALTY", "id": "cfjdsh", "pattern": pattern,
                  "fields": PENALTY_FIELDS, **feed}],
    })


async def _drain(source: SourceConfig, cursor: Cursor) -> list[Batch]:
    connector = open_connector(source)
    try:
        return [batch async for batch in connector.changes(cursor)]
    finally:
        await connector.aclose()


def _positions(batches: list[Batch]) -> list[str]:
    return [row.position for batch in batches for row in batch.rows]


async def test_csv_with_and_without_bom_maps_and_each_file_is_read_once(tmp_path: Path) -> None:
    source = _source(tmp_path)
    drops = tmp_path / "drops"
    _write_csv(drops / "penalties-2024-03.csv", range(1, 3), bom=True)
    _write_csv(drops / "penalties-2024-04.csv", range(3, 4))
    batches = await _drain(source, {})
    assert _positions(batches) == [
        "penalties-2024-03.csv:2", "penalties-2024-03.csv:3", "penalties-2024-04.csv:2"
    ]
    assert "cfjdsh" in batches[0].rows[0].data  # the BOM is not part of the first column name
    mapped = Mapper(source).map(batches[0].rows[0])
    assert isinstance(mapped, Mapped) and isinstance(mapped.record, Penalty)
    assert mapped.record.decision_number == "汕市监罚〔2024〕1号"
    cursor = batches[-1].cursor
    assert cursor["penalties"] == {
        "read": ["penalties-2024-03.csv", "penalties-2024-04.csv"], "current": None
    }
    assert await _drain(source, cursor) == []


async def test_unfinished_and_unrelated_files_are_ignored(tmp_path: Path) -> None:
    source = _source(tmp_path)
    drops = tmp_path / "drops"
    _write_csv(drops / "penalties-2024-05.csv.part", range(1, 3))
    _write_csv(drops / "inspections-2024-05.csv", range(1, 3))
    _write_csv(drops / ".penalties-2024-05.csv", range(1, 3))
    assert _positions(await _drain(source, {})) == []
    (drops / "penalties-2024-05.csv.part").rename(drops / "penalties-2024-05.csv")
    assert _positions(await _drain(source, {})) == [
        "penalties-2024-05.csv:2", "penalties-2024-05.csv:3"
    ]


async def test_require_done_waits_for_the_marker(tmp_path: Path) -> None:
    source = _source(tmp_path, require_done=True)
    drops = tmp_path / "drops"
    _write_csv(drops / "penalties-a.csv", range(1, 2))
    _write_csv(drops / "penalties-b.csv", range(2, 3))
    (drops / "penalties-b.csv.done").touch()
    first = await _drain(source, {})
    assert _positions(first) == ["penalties-b.csv:2"]
    (drops / "penalties-a.csv.done").touch()
    later = await _drain(source, first[-1].cursor)
    assert _positions(later) == ["penalties-a.csv:2"]
    assert later[-1].cursor["penalties"]["read"] == ["penalties-a.csv", "penalties-b.csv"]


async def test_a_restart_resumes_after_the_last_committed_line(tmp_path: Path) -> None:
    source = _source(tmp_path, batch_size=2)
    drops = tmp_path / "drops"
    _write_csv(drops / "penalties-1.csv", range(1, 6))
    _write_csv(drops / "penalties-2.csv", range(6, 8))
    batches = await _drain(source, {})
    assert [len(b.rows) for b in batches] == [2, 2, 2, 1]
    assert batches[0].cursor["penalties"] == {
        "read": [], "current": {"file": "penalties-1.csv", "line": 3}
    }
    # the third batch ends file 1 and starts file 2
    assert batches[2].cursor["penalties"] == {
        "read": ["penalties-1.csv"], "current": {"file": "penalties-2.csv", "line": 2}
    }
    resumed = await _drain(source, batches[0].cursor)
    assert _positions(resumed) == [
        "penalties-1.csv:4", "penalties-1.csv:5", "penalties-1.csv:6",
        "penalties-2.csv:2", "penalties-2.csv:3",
    ]


async def test_a_file_ending_on_a_batch_boundary_is_marked_read_by_the_next_batch(
    tmp_path: Path,
) -> None:
    source = _source(tmp_path, batch_size=2)
    _write_csv(tmp_path / "drops" / "penalties-1.csv", range(1, 3))
    batches = await _drain(source, {})
    assert [len(b.rows) for b in batches] == [2, 0]
    assert batches[0].cursor["penalties"]["current"] == {"file": "penalties-1.csv", "line": 3}
    assert batches[1].cursor["penalties"] == {"read": ["penalties-1.csv"], "current": None}
    assert await _drain(source, batches[0].cursor) == batches[1:]


async def test_jsonl_with_a_bad_line_quarantines_that_line_only(tmp_path: Path) -> None:
    source = _source(tmp_path, pattern="penalties-*.jsonl")
    lines = [json.dumps(_penalty(1), ensure_ascii=False), "{not json", "",
             "[1, 2]", json.dumps(_penalty(2), ensure_ascii=False)]
    (tmp_path / "drops" / "penalties-1.jsonl").write_text("\n".join(lines), encoding="utf-8")
    rows = [row for batch in await _drain(source, {}) for row in batch.rows]
    outcomes = [Mapper(source).map(row) for row in rows]
    assert [row.position for row in rows] == [
        "penalties-1.jsonl:1", "penalties-1.jsonl:2", "penalties-1.jsonl:4", "penalties-1.jsonl:5"
    ]
    assert isinstance(outcomes[0], Mapped) and isinstance(outcomes[3], Mapped)
    assert isinstance(outcomes[1], Quarantined) and outcomes[1].reason.startswith("bad JSON: ")
    assert outcomes[1].raw["_raw"] == "{not json"
    assert isinstance(outcomes[2], Quarantined)
    assert outcomes[2].reason == "line is not a JSON object"


async def test_a_csv_row_with_the_wrong_number_of_values_is_quarantined(tmp_path: Path) -> None:
    source = _source(tmp_path)
    text = f"{HEADER}\n{_csv_line(1)}\nonly,three,values\n{_csv_line(2)}\n"
    (tmp_path / "drops" / "penalties-1.csv").write_text(text, encoding="utf-8")
    rows = [row for batch in await _drain(source, {}) for row in batch.rows]
    outcome = Mapper(source).map(rows[1])
    assert isinstance(outcome, Quarantined) and outcome.position == "penalties-1.csv:3"
    assert outcome.reason == "3 values where the header has 8 columns"
    assert isinstance(Mapper(source).map(rows[2]), Mapped)


async def test_a_bad_header_or_encoding_quarantines_the_rest_of_the_file(tmp_path: Path) -> None:
    source = _source(tmp_path)
    drops = tmp_path / "drops"
    (drops / "penalties-1.csv").write_text("cfjdsh,cfjdsh\n1,2\n", encoding="utf-8")
    (drops / "penalties-2.csv").write_bytes(
        (HEADER + "\n" + _csv_line(1) + "\n").encode() + "广东".encode("gbk") + b"\n"
    )
    batches = await _drain(source, {})
    outcomes = [Mapper(source).map(row) for row in batches[0].rows]
    reasons = [o.reason for o in outcomes if isinstance(o, Quarantined)]
    assert reasons[0] == "the header repeats column cfjdsh; the rest of the file is not read"
    assert reasons[1].startswith("not utf-8 text after line ")
    assert batches[-1].cursor["penalties"]["read"] == ["penalties-1.csv", "penalties-2.csv"]


async def test_a_feed_in_gb18030_reads_chinese_text(tmp_path: Path) -> None:
    source = _source(tmp_path, encoding="gb18030")
    text = f"{HEADER}\n{_csv_line(1)}\n"
    (tmp_path / "drops" / "penalties-1.csv").write_bytes(text.encode("gb18030"))
    row = (await _drain(source, {}))[0].rows[0]
    assert row.data["cfjg"] == "汕头市市场监督管理局"


async def test_files_moved_away_leave_the_cursor(tmp_path: Path) -> None:
    source = _source(tmp_path)
    drops = tmp_path / "drops"
    _write_csv(drops / "penalties-1.csv", range(1, 2))
    _write_csv(drops / "penalties-2.csv", range(2, 3))
    cursor = (await _drain(source, {}))[-1].cursor
    (drops / "penalties-1.csv").unlink()
    _write_csv(drops / "penalties-0.csv", range(3, 4))  # a late file sorting first
    batches = await _drain(source, cursor)
    assert _positions(batches) == ["penalties-0.csv:2"]
    assert batches[-1].cursor["penalties"]["read"] == ["penalties-0.csv", "penalties-2.csv"]


async def test_a_missing_folder_is_source_unavailable(tmp_path: Path) -> None:
    source = _source(tmp_path)
    (tmp_path / "drops").rmdir()
    with pytest.raises(SourceUnavailable, match="cannot list the drop folder"):
        await _drain(source, {})


async def test_fetch_is_unsupported(tmp_path: Path) -> None:
    with pytest.raises(FetchUnsupported):
        await open_connector(_source(tmp_path)).fetch([USCC_A])
