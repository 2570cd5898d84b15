"""`credit-gateway supervision refresh`: re-derive the key-supervision list, with a progress
bar; `--uscc` (repeatable) limits the refresh to some enterprises."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from gateway.clock import utcnow
from gateway.commands import CommandError
from gateway.rules.calendar import local_date
from gateway.settings import Settings
from gateway.supervision.config import SupervisionConfigError, load_config
from gateway.supervision.refresh import (
    STEP_FACTS,
    STEP_RULES,
    STEP_WRITE,
    RefreshReport,
    refresh_all,
    refresh_enterprises,
)
from gateway.uscc import InvalidUSCC, normalise


class SupervisionCommandError(CommandError):
    """The command cannot be done; the message says why."""


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `supervision` subcommand."""
    supervision = commands.add_parser("supervision", help="the key-supervision list")
    actions = supervision.add_subparsers(dest="action", required=True, metavar="ACTION")
    refresh = actions.add_parser("refresh", help="re-derive the list from the rules")
    refresh.add_argument(
        "--uscc", action="append", metavar="CODE",
        help="only this enterprise (repeatable); default: the whole archive",
    )


def _codes(texts: list[str] | None) -> list[str] | None:
    if texts is None:
        return None
    try:
        return [normalise(t) for t in texts]
    except InvalidUSCC as e:
        raise SupervisionCommandError(f"--uscc: not a valid USCC: {e}") from None


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.completed:>9,.0f}/{task.total:,.0f}"), TimeElapsedColumn(),
    )


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `supervision` action (only `refresh` so far)."""
    from gateway.lifecycle import open_archive

    codes = _codes(args.uscc)
    try:
        config = load_config(settings.supervision_rules)
    except SupervisionConfigError as e:
        raise SupervisionCommandError(f"configuration error: {e}") from None
    today = local_date(utcnow())
    pool = await open_archive(settings)
    try:
        if codes is not None:
            async with pool.acquire() as conn:
                report = await refresh_enterprises(conn, codes, today, config)
            _print(Console(), report)
            return 0
        with _progress_bar() as bar:
            tasks: dict[str, TaskID] = {
                step: bar.add_task(step, total=1) for step in (STEP_FACTS, STEP_RULES,
                                                               STEP_WRITE)
            }

            def progress(step: str, done: int, total: int) -> None:
                bar.update(tasks[step], completed=done, total=max(total, 1))

            report = await refresh_all(pool, today, config, progress)
            _print(bar.console, report)
    finally:
        await pool.close()
    return 0


def _print(console: Console, report: RefreshReport) -> None:
    c = report.counts
    console.print(
        f"key supervision: {report.candidates} enterprises judged, {report.derived} derived "
        f"entries in force: {c.started} started, {c.changed} changed, {c.ended} ended"
    )
