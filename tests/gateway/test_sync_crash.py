"""A sync process killed with SIGKILL at any moment loses no record and duplicates none."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg

from gateway.migrate import migrate
from tests.gateway.exchange import create_exchange, write_config

ENTERPRISES = 40_000
BAD = 7


def _start_sync(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def _kill_when(
    conn: asyncpg.Connection[Any], proc: subprocess.Popen[bytes], records: int
) -> int:
    """SIGKILL the sync once the archive holds at least `records` records; return the count."""
    while proc.poll() is None:
        count: int = await conn.fetchval("SELECT count(*) FROM records")
        if count >= records:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return count
        await asyncio.sleep(0.01)
    return -1  # finished before the threshold


async def test_sigkill_mid_sync_then_restart(new_database: str, tmp_path: Path) -> None:
    await create_exchange(new_database, enterprises=ENTERPRISES, bad=BAD)
    config_path, _ = write_config(tmp_path, new_database, batch_size=400)
    env = {
        **os.environ,
        "DATABASE_URL": new_database,
        "SOURCES_CONFIG": str(config_path),
        "EXCHANGE_DSN": new_database,
        "GATEWAY_DATA_DIR": str(tmp_path / "data"),
    }
    conn = await asyncpg.connect(new_database)
    try:
        await migrate(conn)
        killed_at = []
        for threshold in (1, ENTERPRISES // 3, (2 * ENTERPRISES) // 3):
            killed_at.append(await _kill_when(conn, _start_sync(env), threshold))
        assert any(0 < k < ENTERPRISES for k in killed_at), killed_at  # really killed mid-sync
        final = _start_sync(env)
        _, stderr = final.communicate(timeout=300)
        assert final.returncode == 0, stderr.decode()
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM records) AS records,"
            " (SELECT count(DISTINCT (source, feed, record_id)) FROM records) AS keys,"
            " (SELECT count(*) FROM record_versions) AS versions,"
            " (SELECT max(version) FROM records) AS max_version,"
            " (SELECT count(*) FROM quarantine) AS quarantine,"
            " (SELECT record_count FROM sources) AS counted,"
            " (SELECT quarantine_count FROM sources) AS counted_bad"
        )
        assert counts is not None
        assert dict(counts) == {
            "records": ENTERPRISES,
            "keys": ENTERPRISES,
            "versions": ENTERPRISES,
            "max_version": 1,
            "quarantine": BAD,
            "counted": ENTERPRISES,
            "counted_bad": BAD,
        }
    finally:
        await conn.close()
