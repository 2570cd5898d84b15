"""The build pipeline: worker processes give the same chunks, in order, as one thread."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from adapters.demo.build import Manifest, default_workers, produce, rows_per_file
from adapters.demo.encode import EncodedChunk
from adapters.demo.generator import CHUNK_SIZE, Generator
from adapters.demo.progress import progress_bar


async def _collect(generator: Generator, workers: int) -> list[EncodedChunk]:
    chunks: list[EncodedChunk] = []

    async def consume(chunk: EncodedChunk) -> None:
        chunks.append(chunk)

    await produce(generator, workers, consume)
    return chunks


async def test_worker_processes_give_the_same_chunks_in_order() -> None:
    generator = Generator(11, 2 * CHUNK_SIZE + 50)
    alone = await _collect(generator, 1)
    parallel = await _collect(generator, 2)
    assert [c.index for c in parallel] == [0, 1, 2]
    assert parallel == alone
    assert sum(c.enterprises for c in parallel) == 2 * CHUNK_SIZE + 50


def test_a_manifest_round_trips_and_a_broken_one_reads_as_none(tmp_path: Path) -> None:
    manifest = Manifest(1, 10, "v", {"xzcf": 3}, 2, ["914403001922038216"], ["xzcf-1-10-0001.csv"])
    path = tmp_path / "manifest.json"
    manifest.save(path)
    assert Manifest.load(path) == manifest
    path.write_text("{not json", encoding="utf-8")
    assert Manifest.load(path) is None
    path.write_text('{"seed": 1}', encoding="utf-8")
    assert Manifest.load(path) is None
    assert Manifest.load(tmp_path / "missing.json") is None


@pytest.mark.parametrize(("enterprises", "rows"), [(10, 100), (2000, 200), (10**6, 50_000)])
def test_drop_files_grow_with_the_data_set(enterprises: int, rows: int) -> None:
    assert rows_per_file(enterprises) == rows


def test_small_data_sets_need_no_worker_processes() -> None:
    assert default_workers(2000) == 1
    assert default_workers(1_000_000) >= 1


def test_the_progress_bar_follows_the_build() -> None:
    output = io.StringIO()
    console = Console(file=output, force_terminal=True, width=80)
    with progress_bar(console) as update:
        update(5000, 20000)
        update(20000, 20000)
    assert "20000/20000" in output.getvalue()
