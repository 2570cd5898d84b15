"""Drop files appear only complete, under names the feed patterns match."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from adapters.demo.drops import PART_SUFFIX, DropWriter


def _visible(directory: Path, pattern: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if fnmatch.fnmatch(p.name, pattern))


def _lines(first: int, count: int) -> bytes:
    return b"".join(f"{i},row {i}\n".encode() for i in range(first, first + count))


def test_a_file_is_invisible_until_complete(tmp_path: Path) -> None:
    writer = DropWriter(tmp_path, "xzcf-1-10", ".csv", b"id,text\n", rows_per_file=5)
    writer.write(_lines(0, 3))
    assert _visible(tmp_path, "xzcf-*.csv") == []
    assert [p.name for p in tmp_path.iterdir()] == ["xzcf-1-10-0001.csv" + PART_SUFFIX]
    writer.write(_lines(3, 2))
    assert _visible(tmp_path, "xzcf-*.csv") == ["xzcf-1-10-0001.csv"]
    writer.write(_lines(5, 1))
    assert _visible(tmp_path, "xzcf-*.csv") == ["xzcf-1-10-0001.csv"]
    files = writer.close()
    assert [f.name for f in files] == ["xzcf-1-10-0001.csv", "xzcf-1-10-0002.csv"]
    assert not list(tmp_path.glob("*" + PART_SUFFIX))


def test_rows_are_split_across_files_without_loss(tmp_path: Path) -> None:
    writer = DropWriter(tmp_path, "mdxx-1-10", ".jsonl", rows_per_file=4)
    writer.write(_lines(0, 7))
    writer.write(_lines(7, 6))
    files = writer.close()
    assert [len(f.read_bytes().splitlines()) for f in files] == [4, 4, 4, 1]
    assert b"".join(f.read_bytes() for f in files) == _lines(0, 13)


def test_each_file_starts_with_the_header(tmp_path: Path) -> None:
    writer = DropWriter(tmp_path, "p", ".csv", b"id,text\n", rows_per_file=2)
    writer.write(_lines(0, 3))
    for path in writer.close():
        assert path.read_bytes().startswith(b"id,text\n")


def test_an_abandoned_file_never_appears(tmp_path: Path) -> None:
    writer = DropWriter(tmp_path, "p", ".csv", rows_per_file=10)
    writer.write(_lines(0, 3))
    writer.abandon()
    assert list(tmp_path.iterdir()) == []
    assert writer.close() == []


def test_nothing_written_means_no_file(tmp_path: Path) -> None:
    assert DropWriter(tmp_path, "p", ".csv", b"h\n").close() == []
    assert list(tmp_path.iterdir()) == []


def test_rows_per_file_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rows_per_file"):
        DropWriter(tmp_path, "p", ".csv", rows_per_file=0)
