"""`credit-gateway risk recompute|evaluate`: assess every enterprise now, or back-test the
models against later inspection outcomes."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gateway.clock import utcnow
from gateway.commands import CommandError
from gateway.risk.config import ModelSet, RiskModelsError, configured_models
from gateway.risk.evaluate import Evaluation, EvaluationError, read_truth
from gateway.rules.calendar import local_date
from gateway.rules.ruleset import RuleBook
from gateway.settings import Settings


class RiskCommandError(CommandError):
    """The command cannot be done; the message says why."""


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `risk` subcommand."""
    risk = commands.add_parser("risk", help="credit-risk classification (internal)")
    actions = risk.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("recompute", help="assess every enterprise now and store the results")
    evaluate = actions.add_parser(
        "evaluate", help="back-test the models against inspection outcomes after a date"
    )
    evaluate.add_argument("--as-of", type=_date, metavar="DATE",
                          help="cut-off day (YYYY-MM-DD; default a year before the latest "
                          "inspection)")
    evaluate.add_argument("--seed", type=int, default=2026, help="seed of the draws")
    evaluate.add_argument("--ground-truth", type=Path, metavar="CSV",
                          help="CSV of uscc,risk (the demo's hidden risk) to correlate with")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def models_of(settings: Settings) -> ModelSet:
    """The configured models; RiskCommandError naming what is wrong with the file."""
    try:
        return configured_models(settings.risk_models)
    except RiskModelsError as exc:
        raise RiskCommandError(f"configuration error: RISK_MODELS: {exc}") from None


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `risk` action."""
    from gateway.lifecycle import load_rule_sets, open_archive

    models = models_of(settings)
    truth = None if getattr(args, "ground_truth", None) is None else _truth(args.ground_truth)
    rules = load_rule_sets(settings).rules
    pool = await open_archive(settings)
    try:
        if args.action == "recompute":
            await _recompute(pool, models, rules)
            return await _refresh_key_supervision(pool, settings)
        return await _evaluate(pool, models, rules, args.as_of, args.seed, truth)
    finally:
        await pool.close()


def _truth(path: Path) -> dict[str, float]:
    try:
        return read_truth(path)
    except EvaluationError as exc:
        raise RiskCommandError(str(exc)) from None


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("enterprises"), TimeElapsedColumn())


async def _recompute(pool: asyncpg.Pool[Any], models: ModelSet, rules: RuleBook) -> int:
    from gateway.risk.recompute import recompute_all

    with _progress() as progress:
        task = progress.add_task("assessing", total=None)
        report = await recompute_all(
            pool,
            models,
            on_start=lambda total: progress.update(task, total=total),
            on_batch=lambda n: progress.advance(task, n),
            rules=rules,
        )
    rate = report.enterprises / report.seconds if report.seconds else 0.0
    classes = ", ".join(f"{c} {n:,}" for c, n in report.classes.items())
    print(f"assessed {report.enterprises:,} enterprises in {report.seconds:.1f} s "
          f"({rate:,.0f}/s): {classes}")
    return 0


async def _refresh_key_supervision(pool: asyncpg.Pool[Any], settings: Settings) -> int:
    """The key-supervision list after new classes (its first rule reads them)."""
    from gateway.supervision.config import SupervisionConfigError, load_config
    from gateway.supervision.refresh import refresh_all

    try:
        config = load_config(settings.supervision_rules)
    except SupervisionConfigError as e:
        raise RiskCommandError(f"configuration error: SUPERVISION_RULES: {e}") from None
    report = await refresh_all(pool, local_date(utcnow()), config)
    print(f"key-supervision list refreshed: {report.derived:,} derived entries in force")
    return 0


async def _evaluate(
    pool: asyncpg.Pool[Any], models: ModelSet, rules: RuleBook, cutoff: dt.date | None,
    seed: int, truth: dict[str, float] | None,
) -> int:
    from gateway.risk.archive import enterprise_count
    from gateway.risk.evaluate import default_cutoff, evaluate

    async with pool.acquire() as conn:
        try:
            cutoff = cutoff or await default_cutoff(conn)
            with _progress() as progress:
                task = progress.add_task(f"assessing as of {cutoff}",
                                         total=await enterprise_count(conn))
                result = await evaluate(conn, models, cutoff, seed, truth,
                                        lambda n: progress.advance(task, n), rules)
        except EvaluationError as exc:
            raise RiskCommandError(str(exc)) from None
    print_evaluation(Console(), result)
    return 0


def print_evaluation(console: Console, result: Evaluation) -> None:
    """The back-test's figures: per class, AUC, and the draws."""
    table = Table(title=f"Inspection outcomes on or after {result.cutoff} by class")
    for column in ("class", "assessed", "inspected", "problem found", "rate"):
        table.add_column(column, justify="right")
    for r in result.classes:
        rate = "-" if r.rate is None else f"{r.rate:.1%}"
        table.add_row(r.risk_class, f"{r.assessed:,}", f"{r.inspected:,}", f"{r.problems:,}",
                      rate)
    console.print(table)
    auc = "-" if result.auc is None else f"{result.auc:.3f}"
    console.print(f"AUC (score vs problem found, inspected enterprises): {auc}")
    for d, which in ((result.draws, "inspected enterprises"),
                     (result.operating_draws, "inspected enterprises operating at the cut-off")):
        sizes = ", ".join(f"{c} {n}" for c, n in d.sizes.items())
        ratio = "-" if d.ratio is None else f"{d.ratio:.2f}"
        console.print(
            f"draws of {d.size} {which} ({sizes}), mean of {d.repeats} seeded draws: "
            f"stratified by class found {d.stratified:.1f} problems, uniform "
            f"{d.uniform:.1f} (ratio {ratio})")
    if result.truth_correlation is not None:
        console.print(f"Spearman correlation of score with the true risk: "
                      f"{result.truth_correlation:.3f}")
