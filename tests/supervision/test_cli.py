"""`credit-gateway supervision refresh` as an operator runs it, and its bad arguments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gateway.records import KeyArea
from tests.supervision.support import enterprise, risk

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, database_url: str, data_dir: Path,
         **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"DATABASE_URL": database_url, "GATEWAY_DATA_DIR": str(data_dir),
                   "PATH": "/usr/bin", "COLUMNS": "120", **env}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
        encoding="utf-8", env=environment, cwd=ROOT, timeout=120, check=False,
    )


async def test_refresh_the_whole_list_then_one_enterprise(
    clean: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> None:
    one = await enterprise(clean, 1, key_areas=(KeyArea.FOOD_PRODUCTION,))
    two = await enterprise(clean, 2, key_areas=(KeyArea.FOOD_PRODUCTION,))
    for uscc in (one, two):
        await risk(clean, uscc, "D")
    done = _cli("supervision", "refresh", database_url=database_url, data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 enterprises judged, 2 derived entries in force: 2 started, 0 changed, 0 ended" in (
        done.stdout)
    await risk(clean, one, "A")
    await risk(clean, two, "A")
    only = _cli("supervision", "refresh", "--uscc", one.lower(), database_url=database_url,
                data_dir=tmp_path)
    assert only.returncode == 0, only.stderr
    assert "0 started, 0 changed, 1 ended" in only.stdout
    assert await clean.fetchval(
        "SELECT uscc FROM key_supervision_entries WHERE ended_at IS NULL") == two


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["supervision"], 2, "the following arguments are required: ACTION"),
        (["supervision", "purge"], 2, "invalid choice: 'purge'"),
        (["supervision", "refresh", "--uscc", "91440507XXXX"], 1, "--uscc: not a valid USCC"),
    ],
)
def test_bad_arguments(
    args: list[str], code: int, message: str, database_url: str, tmp_path: Path
) -> None:
    done = _cli(*args, database_url=database_url, data_dir=tmp_path)
    assert done.returncode == code and message in done.stderr


def test_a_bad_configuration_file(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "supervision.toml"
    path.write_text("[rules]\nhigh_risk_classes = [\"E\"]\n", encoding="utf-8")
    done = _cli("supervision", "refresh", database_url=database_url, data_dir=tmp_path,
                SUPERVISION_RULES=str(path))
    assert done.returncode == 1
    assert "configuration error" in done.stderr and "expected a table [measures]" in done.stderr
    missing = _cli("supervision", "refresh", database_url=database_url, data_dir=tmp_path,
                   SUPERVISION_RULES=str(tmp_path / "missing.toml"))
    assert missing.returncode == 2 and "SUPERVISION_RULES" in missing.stderr
