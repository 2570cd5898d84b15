"""Profile query latency and throughput, and the server's memory, at N enterprises.

    python -m bench.profile_latency --enterprises 10000 1000000

For each N, builds (once) an archive holding the synced demo data set of N enterprises,
then measures:
- latency inside the server: the ASGI app called in-process (no network), one request at a
  time, the profile query of gateway/demo.py (code as a variable) for random enterprises:
  p50, p95, p99;
- throughput: `credit-gateway serve` in its own process, 32 concurrent keep-alive clients
  (bench.loadgen) on loopback for a fixed time; and that process's peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.common import BENCH_DIR, machine, synced_archive
from bench.loadgen import run_load
from gateway.app import build_app
from gateway.database import create_pool
from gateway.demo import SAMPLE_QUERY
from gateway.services import Services
from gateway.settings import Settings


async def sample_codes(archive: str, count: int) -> list[str]:
    pool = await create_pool(archive, min_size=1, max_size=1)
    try:
        rows = await pool.fetch("SELECT uscc FROM enterprises ORDER BY md5(uscc) LIMIT $1", count)
    finally:
        await pool.close()
    return [r["uscc"] for r in rows]


# The demo's sample query, with the code as a variable as a client program sends it.
PROFILE_QUERY = "query Profile($uscc: USCC!) " + SAMPLE_QUERY.replace('"$USCC"', "$uscc")


def body(code: str) -> dict[str, object]:
    return {"query": PROFILE_QUERY, "variables": {"uscc": code}}


UNLIMITED = {"GATEWAY_RATE_LIMIT_CLIENT": "1000000/second",
             "GATEWAY_RATE_LIMIT_ADDRESS": "1000000/second"}
"""The quotas of a benchmark: every request comes from one loopback address."""

OPEN = {"GATEWAY_AUTH": "false", "GATEWAY_AUDIT": "false", **UNLIMITED}
"""A server without access control or audit: every caller gets the full view."""


class Timed:
    """ASGI wrapper that records how long the app took over each request, in ms."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.timings: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.timings.append((time.perf_counter() - started) * 1000)


async def in_server_latency(archive: str, codes: list[str], requests: int) -> list[float]:
    """Milliseconds the app spends on each request (no client or network), sequentially."""
    settings = Settings.from_env({"DATABASE_URL": archive, "GATEWAY_SYNC": "false", **OPEN})
    pool = await create_pool(archive)
    services = Services(settings=settings, pool=pool, sources=None, refresher=None)
    app = Timed(build_app(services))
    transport = httpx.ASGITransport(app=app)
    rng = random.Random(1)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(requests + 200):
                response = await client.post("/graphql", json=body(rng.choice(codes)))
                assert response.status_code == 200 and "errors" not in response.json()
    finally:
        await pool.close()
    return app.timings[200:]  # the first 200 warm caches and connections


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def listening_sockets(port: int) -> int:
    """How many sockets listen on `port` (Linux, from /proc/net): one per ready worker of
    `serve`, as each worker listens on its own socket once started."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                count += state == "0A" and int(local.rsplit(":", 1)[1], 16) == port
    return count


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextlib.asynccontextmanager
async def running_server(
    archive: str, settings: dict[str, str] | None = None
) -> AsyncIterator[tuple[str, int]]:
    """`credit-gateway serve` on the archive in its own process (its environment plus
    `settings`, OPEN by default), once ready: its base URL and pid."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": archive,
        "GATEWAY_SYNC": "false",
        "GATEWAY_PORT": str(port),
        "GATEWAY_DATA_DIR": str(BENCH_DIR / "gateway"),
        **(OPEN if settings is None else settings),
    }
    env.pop("SOURCES_CONFIG", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for _ in range(300):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        # /readyz is answered by whichever worker is up: connections opened before the others
        # listen would all land on that one.
        workers = int(env.get("GATEWAY_WORKERS", "1"))
        for _ in range(300):
            if listening_sockets(port) >= workers:
                break
            await asyncio.sleep(0.1)
        yield url, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


async def throughput(
    archive: str,
    codes: list[str],
    clients: int,
    seconds: float,
    settings: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[float, float]:
    """Requests per second against a real server process (see `running_server`), from
    `clients` keep-alive connections of bench.loadgen, and the server's peak RSS in MB."""
    async with running_server(archive, settings) as (url, pid):
        result = await run_load(url, lambda rng: body(rng.choice(codes)), clients=clients,
                                seconds=seconds, headers=headers)
        return result.rate, peak_rss_mb(pid)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def main(sizes: list[int], requests: int, clients: int, seconds: float) -> None:
    print(f"machine: {machine()}")
    results: dict[int, float] = {}
    for n in sizes:
        archive, demo = await synced_archive(n)
        await demo.stop()
        codes = await sample_codes(archive, 5000)
        timings = await in_server_latency(archive, codes, requests)
        p50 = statistics.median(timings)
        results[n] = p50
        rate, rss = await throughput(archive, codes, clients, seconds)
        print(
            f"{n:>9,} enterprises: in-server p50 {p50:.2f} ms,"
            f" p95 {percentile(timings, 95):.2f} ms, p99 {percentile(timings, 99):.2f} ms;"
            f" {clients} clients: {rate:,.0f} req/s;"
            f" server peak RSS {rss:.0f} MB"
        )
    if len(results) > 1:
        small, large = min(results), max(results)
        print(f"p50 at {large:,} / p50 at {small:,} = {results[large] / results[small]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, nargs="+", default=[10_000])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    a = parser.parse_args()
    asyncio.run(main(a.enterprises, a.requests, a.clients, a.seconds))
