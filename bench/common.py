"""Shared set-up of the benchmarks: a server, demo sources and a synced archive of N enterprises."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg

from adapters.config import load_sources_config
from adapters.demo import DemoSources, start_demo_sources
from gateway.database import embedded_url, ensure_database
from gateway.keyareas import DEFAULT_RULES
from gateway.migrate import migrate
from gateway.sync import SyncReport, sync_all

BENCH_DIR = Path(os.environ.get("BENCH_DATA_DIR", Path.home() / ".cache" / "credit-gateway-bench"))


def server_url() -> str:
    """BENCH_DATABASE_URL, else an embedded server in the bench data folder."""
    return os.environ.get("BENCH_DATABASE_URL") or embedded_url(BENCH_DIR)


async def demo_sources(server: str, enterprises: int) -> DemoSources:
    """Demo source systems holding `enterprises` enterprises (generated once, then reused)."""
    exchange, _ = await ensure_database(server, f"bench_exchange_{enterprises}")
    return await start_demo_sources(BENCH_DIR / f"demo-{enterprises}", exchange, enterprises)


async def sync_archive(archive: str, demo: DemoSources) -> tuple[list[SyncReport], float]:
    """Migrate `archive` and sync every demo source into it; returns reports and seconds."""
    conn: asyncpg.Connection[Any] = await asyncpg.connect(archive)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    os.environ.update(demo.env)
    config = load_sources_config(demo.config_path, os.environ)
    from gateway.database import create_pool

    pool = await create_pool(archive, max_size=4)
    try:
        started = time.perf_counter()
        reports = await sync_all(pool, config, DEFAULT_RULES)
        return reports, time.perf_counter() - started
    finally:
        await pool.close()


async def synced_archive(enterprises: int) -> tuple[str, DemoSources]:
    """An archive database holding the synced demo data set of `enterprises` (built once)."""
    server = server_url()
    demo = await demo_sources(server, enterprises)
    archive, new = await ensure_database(server, f"bench_archive_{enterprises}")
    conn: asyncpg.Connection[Any] = await asyncpg.connect(archive)
    try:
        await migrate(conn)  # an archive built by an older version gets the newer tables
    finally:
        await conn.close()
    if new:
        reports, seconds = await sync_archive(archive, demo)
        rows = sum(r.rows for r in reports)
        print(
            f"built archive of {enterprises:,} enterprises: {rows:,} rows synced in"
            f" {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
        )
    await settle(archive)
    return archive, demo


_FOLLOWER_BEHIND = """
SELECT EXISTS (SELECT 1 FROM credit_events e, risk_feed_position p
               WHERE (e.xid, e.seq) > (p.xid, p.seq))
"""


async def settle(archive: str) -> None:
    """Bring the archive to where a deployed one stands once its initial load is digested:
    every enterprise's risk assessed by `credit-gateway risk recompute`, as an operator runs it
    after a first sync, so that a served process's change-feed follower has nothing to catch
    up; else a benchmark of requests measures that catch-up too."""
    conn: asyncpg.Connection[Any] = await asyncpg.connect(archive)
    try:
        behind = await conn.fetchval(_FOLLOWER_BEHIND)
    finally:
        await conn.close()
    if behind:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "gateway.cli", "risk", "recompute"],
            env={**os.environ, "DATABASE_URL": archive}, check=True, stdout=subprocess.DEVNULL,
        )
        print(f"risk recompute after the initial load: {time.perf_counter() - started:.0f} s")


def machine() -> str:
    """One line describing this machine, for the report."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "?"
    return f"{cpu}, {os.cpu_count()} cores, {memory}, Python {platform.python_version()}"


def run(main: Any) -> None:
    asyncio.run(main)
