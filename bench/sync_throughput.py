"""Initial sync throughput: every demo source into an empty archive, records per second.

    python bench/sync_throughput.py [--enterprises N]

Generates the demo data set once (cached in BENCH_DATA_DIR), then syncs it into a fresh
archive database and prints rows per second, per source and overall.
"""

from __future__ import annotations

import argparse
import asyncio

from bench.common import demo_sources, machine, server_url, sync_archive
from gateway.database import ensure_database


async def main(enterprises: int) -> None:
    server = server_url()
    demo = await demo_sources(server, enterprises)
    try:
        archive, _ = await ensure_database(server, f"bench_sync_{enterprises}", fresh=True)
        reports, seconds = await sync_archive(archive, demo)
    finally:
        await demo.stop()
    print(f"machine: {machine()}")
    print(f"enterprises: {enterprises:,}")
    for r in reports:
        print(
            f"  {r.source:<14} {r.rows:>10,} rows  {r.result.inserted:>10,} new  "
            f"{r.result.quarantined:>5} quarantined"
        )
    rows = sum(r.rows for r in reports)
    print(f"initial sync: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().enterprises))
