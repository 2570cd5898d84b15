"""`credit-gateway clients`, `keys` and `audit verify` as an operator runs them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from auth.commands import with_key_ids_guarded

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": database_url, "GATEWAY_DATA_DIR": str(data_dir), "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
        encoding="utf-8", env=env, cwd=ROOT, timeout=120, check=False,
    )


@pytest.fixture
async def empty_clients(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    await clean_archive.execute("TRUNCATE clients")
    return clean_archive


async def test_clients_add_list_rotate_disable(
    empty_clients: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> None:
    added = _cli("clients", "add", "汕头市公共资源交易中心", "--role", "procurement",
                 database_url=database_url, data_dir=tmp_path)
    assert added.returncode == 0, added.stderr
    client_id = re.search(r"^client_id: +(cg_\w+)$", added.stdout, re.M)
    secret = re.search(r"^client_secret: +(\S+)$", added.stdout, re.M)
    assert client_id and secret
    stored = await empty_clients.fetchval("SELECT secret_hash FROM clients")
    assert secret.group(1) not in stored

    listed = _cli("clients", "list", database_url=database_url, data_dir=tmp_path)
    assert client_id.group(1) in listed.stdout and "credit:verify" in listed.stdout

    rotated = _cli("clients", "rotate-secret", client_id.group(1), database_url=database_url,
                   data_dir=tmp_path)
    new_secret = re.search(r"^client_secret: (\S+)$", rotated.stdout, re.M)
    assert rotated.returncode == 0 and new_secret and new_secret.group(1) != secret.group(1)

    disabled = _cli("clients", "disable", client_id.group(1), database_url=database_url,
                    data_dir=tmp_path)
    assert disabled.returncode == 0 and "client disabled" in disabled.stdout
    assert await empty_clients.fetchval("SELECT disabled_at IS NOT NULL FROM clients")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["clients", "add", "x", "--role", "public"], 2, "invalid choice: 'public'"),
        (["clients", "add", "x", "--role", "root"], 2, "invalid choice: 'root'"),
        (["clients", "add", "x"], 2, "--role"),
        (["clients", "add", "x", "--role", "partner", "--scope", "risk:read"], 1,
         "may not hold risk:read"),
        (["clients", "add", "x", "--role", "partner", "--scope", "everything"], 1,
         "unknown scope"),
        (["clients", "add", "a\nb", "--role", "partner"], 1, "printable"),
        (["clients", "disable", "cg_nobody"], 1, "no client 'cg_nobody'"),
        (["clients", "rotate-secret", "cg_nobody"], 1, "no active client 'cg_nobody'"),
        (["keys", "retire", "no-such-kid"], 1, "no key with kid 'no-such-kid'"),
        # One kid in 64 begins with '-': still a kid, not an option.
        (["keys", "retire", "-no-such-kid"], 1, "no key with kid '-no-such-kid'"),
        (["keys", "retire", "--", "-no-such-kid"], 1, "no key with kid '-no-such-kid'"),
    ],
)
async def test_bad_client_and_key_commands_say_why_and_store_nothing(
    empty_clients: asyncpg.Pool[Any], database_url: str, tmp_path: Path, args: list[str],
    code: int, message: str,
) -> None:
    result = _cli(*args, database_url=database_url, data_dir=tmp_path)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert await empty_clients.fetchval("SELECT count(*) FROM clients") == 0


def test_keys_rotate_adds_a_signing_key(database_url: str, tmp_path: Path) -> None:
    first = _cli("keys", "list", database_url=database_url, data_dir=tmp_path)
    assert first.returncode == 0 and len(first.stdout.split()) == 1
    rotated = _cli("keys", "rotate", database_url=database_url, data_dir=tmp_path)
    new = re.search(r"^new signing key (\S+)$", rotated.stdout, re.M)
    assert new and rotated.stdout.strip().splitlines()[-1] == new.group(1)
    old = first.stdout.strip()
    retired = _cli("keys", "retire", old, database_url=database_url, data_dir=tmp_path)
    assert retired.returncode == 0 and old not in retired.stdout.splitlines()[-1]
    last = _cli("keys", "retire", new.group(1), database_url=database_url, data_dir=tmp_path)
    assert last.returncode == 1 and "only key" in last.stderr


def test_audit_verify_on_an_untouched_trail(database_url: str, tmp_path: Path) -> None:
    result = _cli("audit", "verify", database_url=database_url, data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^audit chain intact: \d+ rows", result.stdout, re.M)


@pytest.mark.parametrize(
    ("argv", "guarded"),
    [
        (["keys", "retire", "-abc"], ["keys", "retire", "--", "-abc"]),
        (["-v", "keys", "retire", "-abc"], ["-v", "keys", "retire", "--", "-abc"]),
        (["keys", "retire", "abc"], ["keys", "retire", "abc"]),
        (["keys", "retire", "--", "-abc"], ["keys", "retire", "--", "-abc"]),
        (["keys", "retire", "-h"], ["keys", "retire", "-h"]),
        (["keys", "retire"], ["keys", "retire"]),
        (["clients", "disable", "-abc"], ["clients", "disable", "-abc"]),
    ],
)
def test_a_kid_beginning_with_a_dash_is_kept_apart_from_options(
    argv: list[str], guarded: list[str]
) -> None:
    assert with_key_ids_guarded(argv) == guarded
