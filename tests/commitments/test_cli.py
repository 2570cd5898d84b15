"""`credit-gateway associations add|remove|list` as an administrator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from auth.roles import Role
from tests.archive.rows import code
from tests.auth.conftest import new_client
from tests.commitments.support import enterprise

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": database_url, "GATEWAY_DATA_DIR": str(data_dir), "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
        encoding="utf-8", env=env, cwd=ROOT, timeout=120, check=False,
    )


async def test_add_list_remove(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> None:
    uscc = await enterprise(clean_archive, 1)
    association = (await new_client(clean_archive, Role.ASSOCIATION)).client_id
    added = _cli("associations", "add", association, uscc.lower(), database_url=database_url,
                 data_dir=tmp_path)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"{uscc} is now a member of {association}"
    for args in ((association,), ()):
        listed = _cli("associations", "list", *args, database_url=database_url,
                      data_dir=tmp_path)
        lines = listed.stdout.splitlines()
        assert lines[0] == "client_id\tuscc\tadded"
        assert [line.split("\t")[:2] for line in lines[1:]] == [[association, uscc]]
    removed = _cli("associations", "remove", association, uscc, database_url=database_url,
                   data_dir=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.strip() == f"{uscc} is no longer a member of {association}"
    assert await clean_archive.fetchval("SELECT count(*) FROM association_members") == 0


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["associations", "add", "ASSOCIATION", "91440507"], 1, "is not a valid USCC"),
        (["associations", "add", "cg_nobody", "KNOWN"], 1, "no client 'cg_nobody'"),
        (["associations", "add", "PARTNER", "KNOWN"], 1, "only association clients"),
        (["associations", "add", "ASSOCIATION", "UNKNOWN"], 1, "no source knows"),
        (["associations", "remove", "ASSOCIATION", "KNOWN"], 1, "is not a member"),
        (["associations", "list", "cg_nobody"], 1, "no client 'cg_nobody'"),
        (["associations", "add", "ASSOCIATION"], 2, "required: uscc"),
        (["associations", "join", "x", "y"], 2, "invalid choice: 'join'"),
    ],
)
async def test_bad_commands_say_why_and_store_nothing(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path, args: list[str],
    exit_code: int, message: str,
) -> None:
    names = {
        "ASSOCIATION": (await new_client(clean_archive, Role.ASSOCIATION)).client_id,
        "PARTNER": (await new_client(clean_archive, Role.PARTNER)).client_id,
        "KNOWN": await enterprise(clean_archive, 2),
        "UNKNOWN": code(3),
    }
    result = _cli(*(names.get(a, a) for a in args), database_url=database_url,
                  data_dir=tmp_path)
    assert result.returncode == exit_code, result.stderr
    assert message in result.stderr
    assert await clean_archive.fetchval("SELECT count(*) FROM association_members") == 0

