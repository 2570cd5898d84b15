"""Initial sync throughput: every demo source into an empty archive, records per second.

    python bench/sync_throughput.py [--enterprises N] [--repeat R]

Generates the demo data set once (cached in BENCH_DATA_DIR), then syncs it into a fresh
archive database (R times, each into a fresh one) and prints rows per second, per source and
overall, and the CPU time this process spent per row (the demo's HTTP systems run in a child
process, as other departments' systems would run elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import os

from adapters.demo import DemoSources
from bench.common import demo_sources, machine, server_url, sync_archive
from gateway.database import ensure_database


async def main(enterprises: int, repeat: int) -> None:
    server = server_url()
    demo = await demo_sources(server, enterprises)
    rates: list[float] = []
    print(f"machine: {machine()}")
    print(f"enterprises: {enterprises:,}")
    try:
        for _ in range(repeat):
            rates.append(await _run(server, enterprises, demo))
    finally:
        await demo.stop()
    if repeat > 1:
        print(f"best {max(rates):,.0f} rows/s; spread {min(rates):,.0f} – {max(rates):,.0f}")


async def _run(server: str, enterprises: int, demo: DemoSources) -> float:
    """One initial sync into a fresh archive; returns rows per second."""
    archive, _ = await ensure_database(server, f"bench_sync_{enterprises}", fresh=True)
    before = os.times()
    reports, seconds = await sync_archive(archive, demo)
    after = os.times()
    for r in reports:
        print(
            f"  {r.source:<14} {r.rows:>10,} rows  {r.result.inserted:>10,} new  "
            f"{r.result.quarantined:>5} quarantined"
        )
    rows = sum(r.rows for r in reports)
    cpu = (after.user - before.user) + (after.system - before.system)
    print(
        f"initial sync: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
        f" (this process: {cpu / rows * 1e6:.1f} µs CPU per row)"
    )
    return rows / seconds


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="syncs, each into a fresh archive")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    asyncio.run(main(args.enterprises, args.repeat))
