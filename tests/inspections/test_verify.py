"""`credit-gateway draw verify`: a stored draw re-derives from the published seed and the
stored snapshot; a tampered snapshot row, seed or assignment fails, naming the difference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.cli import main
from gateway.inspections.verify import verify_task
from tests.inspections.support import created_and_drawn, enterprises, inspectors

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def drawn(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any]
) -> tuple[asyncpg.Pool[Any], int]:
    """A drawn task over 40 enterprises of every class, 5 inspectors; the pool and its id."""
    pool = empty_inspections
    await enterprises(pool, "ABCD-" * 8)
    await inspectors(pool, 5)
    task = await created_and_drawn(
        client, ratios={"a": "0.2", "b": "0.5", "c": "0.5", "d": "1"})
    return pool, int(task["id"])


def verify_cli(database_url: str, task_id: str, data_dir: Path) -> tuple[int, str]:
    """`credit-gateway draw verify TASK_ID` as an operator runs it: its exit code and output."""
    env = {"DATABASE_URL": database_url, "GATEWAY_DATA_DIR": str(data_dir), "PATH": "/usr/bin",
           "GATEWAY_SYNC": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "draw", "verify", task_id], capture_output=True,
        text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120, check=False,
    )
    return done.returncode, done.stdout + done.stderr


async def test_an_untouched_draw_verifies(
    drawn: tuple[asyncpg.Pool[Any], int], database_url: str, tmp_path: Path
) -> None:
    pool, task_id = drawn
    report = await verify_task(pool, task_id)
    assert report.matches and report.drawn > 0
    code, out = verify_cli(database_url, str(task_id), tmp_path)
    assert code == 0, out
    assert f"the draw of {report.drawn} enterprises matches" in out


async def test_a_changed_snapshot_row_fails_naming_the_hash_and_the_draw_differences(
    drawn: tuple[asyncpg.Pool[Any], int], database_url: str, tmp_path: Path
) -> None:
    pool, task_id = drawn
    # Every class-A enterprise of the snapshot becomes class D: the derived draw changes.
    await pool.execute(
        "UPDATE inspection_snapshots SET encoding = convert_to(replace("
        "convert_from(encoding, 'SQL_ASCII'), E',A\\n', E',D\\n'), 'SQL_ASCII')")
    report = await verify_task(pool, task_id)
    assert any(d.startswith("snapshot: its SHA-256") for d in report.differences)
    assert any("stored as class A" in d for d in report.differences), report.differences
    code, out = verify_cli(database_url, str(task_id), tmp_path)
    assert code == 1 and "does NOT verify" in out and "is not the published snapshot hash" in out


async def test_a_changed_seed_fails_against_the_commitment(
    drawn: tuple[asyncpg.Pool[Any], int]
) -> None:
    pool, task_id = drawn
    await pool.execute("UPDATE inspection_tasks SET seed = sha256(seed)")
    report = await verify_task(pool, task_id)
    assert report.differences[0].startswith("seed: its SHA-256")
    assert "is not the commitment" in report.differences[0]
    assert len(report.differences) > 1  # and the draw itself no longer re-derives


async def test_a_changed_assignment_fails_naming_the_enterprise(
    drawn: tuple[asyncpg.Pool[Any], int]
) -> None:
    pool, task_id = drawn
    row = await pool.fetchrow(
        "SELECT uscc, inspector_id FROM inspection_assignments ORDER BY uscc, position LIMIT 1")
    assert row is not None
    other = await pool.fetchval(
        "SELECT id FROM inspectors WHERE id <> ALL(SELECT inspector_id FROM "
        "inspection_assignments WHERE uscc = $1) ORDER BY id LIMIT 1", row["uscc"])
    await pool.execute("UPDATE inspection_assignments SET inspector_id = $1 WHERE uscc = $2 "
                       "AND inspector_id = $3", other, row["uscc"], row["inspector_id"])
    report = await verify_task(pool, task_id)
    [difference] = report.differences
    assert difference.startswith(f"{row['uscc']}: inspectors stored")


async def test_a_removed_or_added_enterprise_is_named(
    drawn: tuple[asyncpg.Pool[Any], int]
) -> None:
    pool, task_id = drawn
    gone = await pool.fetchval("SELECT min(uscc) FROM inspection_draw_entries")
    extra = await pool.fetchval(
        "SELECT min(uscc) FROM enterprises WHERE uscc NOT IN "
        "(SELECT uscc FROM inspection_draw_entries)")
    await pool.execute("DELETE FROM inspection_assignments WHERE uscc = $1", gone)
    await pool.execute("DELETE FROM inspection_draw_entries WHERE uscc = $1", gone)
    await pool.execute("INSERT INTO inspection_draw_entries VALUES ($1, $2, 'A', 0, false)",
                       task_id, extra)
    report = await verify_task(pool, task_id)
    assert f"{gone}: drawn by the seed, but missing from the stored draw" in report.differences
    assert f"{extra}: in the stored draw, but not drawn by the seed" in report.differences


async def test_verify_refuses_unknown_or_undrawn_tasks(
    empty_inspections: asyncpg.Pool[Any], database_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = verify_cli(database_url, "41", tmp_path)
    assert code == 1 and "no inspection task 41" in out
    for bad in ("0", "abc", "-3"):
        with pytest.raises(SystemExit) as exit_info:
            main(["draw", "verify", bad])
        assert exit_info.value.code == 2
        assert "expected a task id" in capsys.readouterr().err
