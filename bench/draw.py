"""Time of a "double random" draw over a large population.

    python -m bench.draw --enterprises 1000000 --inspectors 40

Uses database `bench_draw` on BENCH_DATABASE_URL (else the embedded bench server). When its
`enterprises` table holds fewer than N rows, N synthetic enterprises are written once (valid
codes in Shantou's districts) with risk assessments: class A 30 %, B 50 %, C 15 %, D 5 %, and
every twentieth enterprise unassessed (class B). Each run clears earlier bench tasks, creates
one task with Henan-like ratios (A 1 %, B 2 %, C 10 %, D 30 %) and times the draw and the
verification of its stored copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal
from typing import Any

import asyncpg

from bench.common import machine, run, server_url
from gateway.clock import utcnow
from gateway.database import create_pool, ensure_database
from gateway.inspections.model import InspectorDetails, PopulationFilter, Ratios, TaskSpec
from gateway.inspections.service import Inspections
from gateway.inspections.verify import verify_task
from gateway.migrate import migrate
from gateway.rules.calendar import local_date
from gateway.uscc import make

DEPARTMENT = "汕头市市场监督管理局"
DISTRICTS = ("440507", "440511", "440512", "440513", "440514", "440515", "440523")
CLASSES = "A" * 6 + "B" * 10 + "C" * 3 + "D"
RATIOS = Ratios(Decimal("0.01"), Decimal("0.02"), Decimal("0.1"), Decimal("0.3"))


async def synthetic_enterprises(pool: asyncpg.Pool[Any], count: int) -> None:
    """Add enterprises (and their assessments) until the table holds `count`."""
    have: int = await pool.fetchval("SELECT count(*) FROM enterprises")
    if have >= count:
        return
    rng = random.Random(2026)
    rows: list[tuple[Any, ...]] = []
    classes: list[tuple[str, str]] = []
    for n in range(have, count):
        uscc = make(f"91{DISTRICTS[n % len(DISTRICTS)]}{n:09d}")
        rows.append((uscc, f"汕头市基准{n}号有限公司", "OPERATING", uscc[2:8], "C1391", [], n))
        if n % 20:
            classes.append((uscc, rng.choice(CLASSES)))
    async with pool.acquire() as conn, conn.transaction():
        await conn.copy_records_to_table(
            "enterprises", records=rows, columns=["uscc", "name", "status", "division",
                                                  "industry", "name_grams", "registration_pk"])
        await conn.execute(
            "INSERT INTO risk_assessments (uscc, risk_class, score, model, assessed_at, factors)"
            " SELECT u, c, 0.5, 'bench@1', now(), '[]' FROM unnest($1::text[], $2::text[]) AS"
            " t(u, c)", [u for u, _ in classes], [c for _, c in classes])
    await pool.execute("ANALYZE enterprises")
    await pool.execute("ANALYZE risk_assessments")
    print(f"wrote {count - have:,} synthetic enterprises")


async def directory(service: Inspections, count: int) -> None:
    """Exactly `count` active inspectors of the department (earlier runs' others are made
    inactive)."""
    for n in range(1, count + 1):
        ident = f"BENCH-{n:04d}"
        details = InspectorDetails(f"检查员{n}", DEPARTMENT, "440507", ("食品",))
        if not await service.pool.fetchval("SELECT 1 FROM inspectors WHERE id = $1", ident):
            await service.add_inspector(ident, details, utcnow())
    await service.pool.execute("UPDATE inspectors SET active = (id <= $1)", f"BENCH-{count:04d}")


async def clear_tasks(pool: asyncpg.Pool[Any]) -> None:
    await pool.execute("TRUNCATE inspection_results, inspection_assignments, "
                       "inspection_draw_entries, inspection_snapshots, inspection_tasks")


async def main(count: int, inspectors: int) -> None:
    print(machine())
    url, _ = await ensure_database(server_url(), "bench_draw")
    conn: asyncpg.Connection[Any] = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    pool = await create_pool(url, min_size=1, max_size=2)
    try:
        await synthetic_enterprises(pool, count)
        service = Inspections(pool, DEPARTMENT)
        await directory(service, inspectors)
        await clear_tasks(pool)
        await measure(service, inspectors)
    finally:
        await pool.close()


async def measure(service: Inspections, inspectors: int) -> None:
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"load average before the draw: {load}")
    today = local_date(utcnow())
    spec = TaskSpec("基准抽查", (DEPARTMENT,), ("检查事项",), PopulationFilter(), RATIOS,
                    2, today, today + dt.timedelta(days=30))
    task = await service.create_task(spec, today, utcnow(), "bench")
    started = time.perf_counter()
    drawn = await service.draw(task.id, today, utcnow(), "bench")
    seconds = time.perf_counter() - started
    print(f"draw over {drawn.population_size:,} enterprises, {inspectors} inspectors: "
          f"{drawn.drawn_count:,} drawn in {seconds:.2f} s")
    started = time.perf_counter()
    report = await verify_task(service.pool, task.id)
    seconds = time.perf_counter() - started
    print(f"verify: {'match' if report.matches else 'MISMATCH'} in {seconds:.2f} s")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--inspectors", type=int, default=40)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = _arguments()
    run(main(arguments.enterprises, arguments.inspectors))
