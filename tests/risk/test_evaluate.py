"""Back-testing: the measures (pure), and `risk evaluate` on a small seeded archive."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.cli import main
from gateway.records import InspectionKind, InspectionResult
from gateway.risk.config import load_models
from gateway.risk.evaluate import EvaluationError, default_cutoff, evaluate, read_truth
from gateway.risk.metrics import Outcome, auc, compare_draws, ranks, spearman, stratified_sizes
from tests.archive.rows import code, inspection, penalty, put_record, registration
from tests.risk.seed import Seeded, seed

RATES = {"A": 0.01, "B": 0.02, "C": 0.10, "D": 0.30}
CUTOFF = dt.date(2025, 6, 1)


def test_ranks_share_ties() -> None:
    assert ranks([3.0, 1.0, 3.0, 2.0]) == [3.5, 1.0, 3.5, 2.0]


@pytest.mark.parametrize(("scores", "positives", "expected"), [
    ([1, 2, 3, 4], [False, False, True, True], 1.0),
    ([4, 3, 2, 1], [False, False, True, True], 0.0),
    ([1, 1, 1, 1], [False, True, False, True], 0.5),
    ([1, 3, 2, 4], [False, True, False, True], 1.0),
    ([1, 3, 2, 4], [True, False, False, True], 0.5),
    ([1, 2], [True, True], None),
])
def test_auc(scores: list[float], positives: list[bool], expected: float | None) -> None:
    assert auc(scores, positives) == expected


def test_spearman() -> None:
    assert spearman([1, 2, 3], [10, 20, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None


def _population() -> list[Outcome]:
    """1,000 inspected A without problems, 100 inspected D all with, 50 never inspected."""
    return ([Outcome("A", 0.0, True, False)] * 1000 + [Outcome("D", 40.0, True, True)] * 100
            + [Outcome("C", 20.0, False, False)] * 50)


def test_the_stratified_draw_takes_each_class_at_its_rate() -> None:
    assert stratified_sizes(_population(), RATES) == {"A": 10, "B": 0, "C": 0, "D": 30}
    assert stratified_sizes(_population(), {**RATES, "D": 1.0})["D"] == 100


def test_the_stratified_draw_finds_more_where_the_problems_are() -> None:
    result = compare_draws(_population(), RATES, seed=7)
    assert (result.size, result.stratified) == (40, 30.0)
    assert 1.0 < result.uniform < 8.0  # 40 × 100/1100 ≈ 3.6 expected
    assert result.ratio is not None and result.ratio > 2
    assert compare_draws(_population(), RATES, seed=7) == result  # the seed fixes the draws


async def _back_test_archive(pool: asyncpg.Pool[Any]) -> Seeded:
    """The seeded enterprises as of a month before the cut-off, then outcomes after it."""
    s = await seed(pool, CUTOFF - dt.timedelta(days=30))
    after = CUTOFF + dt.timedelta(days=10)
    await put_record(pool, inspection(s.revoked, "A1", after,
                                      result=InspectionResult.UNREACHABLE))
    await put_record(pool, inspection(s.fined, "A2", after,
                                      result=InspectionResult.RULE_VIOLATION))
    await put_record(pool, inspection(s.clean, "A3", after))
    await put_record(pool, inspection(s.food, "A4", after, kind=InspectionKind.SAMPLING,
                                      result=InspectionResult.SAMPLE_QUALIFIED))
    # Known only after the cut-off: must not raise the clean enterprise's class.
    await put_record(pool, penalty(s.clean, "汕市监罚〔2025〕99号", after))
    # Established after the cut-off: not assessed.
    await put_record(pool, registration(code(60), "汕头市新设贸易有限公司",
                                        established_on=CUTOFF + dt.timedelta(days=1)))
    return s


async def test_evaluate_uses_only_records_before_the_cut_off(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await _back_test_archive(clean_archive)
    async with clean_archive.acquire() as conn:
        result = await evaluate(conn, load_models(), CUTOFF, seed=1)
        assert await default_cutoff(conn) == dt.date(2024, 6, 11)
    assert result.assessed == 4
    assert [(r.risk_class, r.assessed, r.inspected, r.problems) for r in result.classes] == [
        ("A", 1, 1, 0), ("B", 1, 1, 0), ("C", 1, 1, 1), ("D", 1, 1, 1)]
    assert result.auc == 1.0 and result.truth_correlation is None


async def test_evaluate_without_later_inspections_says_so(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    await seed(clean_archive, CUTOFF - dt.timedelta(days=30))
    async with clean_archive.acquire() as conn:
        with pytest.raises(EvaluationError, match="inspected on or after 2025-06-01"):
            await evaluate(conn, load_models(), CUTOFF, seed=1)


async def test_the_command_prints_the_figures(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    s = await _back_test_archive(clean_archive)
    truth = tmp_path / "truth.csv"
    truth.write_text(f"uscc,risk\n{s.clean},0.01\n{s.food},0.2\n{s.fined},0.5\n"
                     f"{s.revoked},0.9\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_DATA_DIR", str(tmp_path))
    argv = ["risk", "evaluate", "--as-of", "2025-06-01", "--ground-truth", str(truth)]
    assert await asyncio.to_thread(main, argv) == 0  # the command runs its own event loop
    out = capsys.readouterr().out
    assert "AUC (score vs problem found, inspected enterprises): 1.000" in out
    assert "Spearman correlation of score with the true risk: 1.000" in out
    assert "100.0%" in out and "stratified by class" in out


async def test_the_command_refuses_a_bad_truth_file(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("code;risk\nx;y\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_DATA_DIR", str(tmp_path))
    assert await asyncio.to_thread(main, ["risk", "evaluate", "--ground-truth", str(truth)]) == 1
    assert "truth.csv: not a CSV of uscc,risk rows" in capsys.readouterr().err
    with pytest.raises(EvaluationError):
        read_truth(tmp_path / "missing.csv")
