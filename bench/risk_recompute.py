"""Risk recompute throughput: assess every enterprise of the synced demo archive of N
enterprises (`credit-gateway risk recompute`), twice: into empty assessment tables, then over
them (nothing changed, so no history rows). Prints enterprises per second and total time.

    python -m bench.risk_recompute --enterprises 1000000

Optionally back-tests the models on the same archive (`--evaluate`): class problem rates,
AUC, the draws and the correlation with the generator's hidden risk.
"""

from __future__ import annotations

import argparse
from typing import Any

import asyncpg
from rich.console import Console

from bench.common import machine, run, synced_archive
from gateway.database import create_pool
from gateway.risk.commands import print_evaluation
from gateway.risk.config import ModelSet, load_models
from gateway.risk.evaluate import default_cutoff, evaluate, read_truth
from gateway.risk.recompute import recompute_all


async def main(enterprises: int, back_test: bool) -> None:
    archive, demo = await synced_archive(enterprises)
    await demo.stop()
    print(f"machine: {machine()}")
    pool = await create_pool(archive, min_size=2, max_size=2)
    models = load_models()
    try:
        await pool.execute("TRUNCATE risk_assessments, risk_assessment_history")
        for label in ("into empty tables", "over the stored assessments"):
            report = await recompute_all(pool, models)
            print(f"recompute {label}: {report.enterprises:,} enterprises in "
                  f"{report.seconds:.1f} s = {report.enterprises / report.seconds:,.0f}/s")
        if back_test:
            await _evaluate(pool, models, read_truth(demo.ground_truth_path))
    finally:
        await pool.close()


async def _evaluate(pool: asyncpg.Pool[Any], models: ModelSet, truth: dict[str, float]) -> None:
    async with pool.acquire() as conn:
        cutoff = await default_cutoff(conn)
        result = await evaluate(conn, models, cutoff, seed=2026, truth=truth)
    print_evaluation(Console(), result)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--evaluate", action="store_true", help="also back-test the models")
    args = parser.parse_args()
    run(main(args.enterprises, args.evaluate))
