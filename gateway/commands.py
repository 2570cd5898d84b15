"""What each `credit-gateway` subcommand does."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import importlib
import os
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from gateway.settings import Settings


class CommandError(Exception):
    """A command cannot go on; the message says why and what to do."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch a parsed command line."""
    if args.command == "serve":
        return serve(settings)
    if args.command == "migrate":
        return asyncio.run(migrate(settings))
    if args.command == "sync":
        return asyncio.run(sync(settings, args.source))
    if args.command == "tags":
        return asyncio.run(tags(settings, args))
    if args.command in ("clients", "keys"):
        return _access(args, settings)
    if args.command in PACKAGE_COMMANDS:
        return _package_command(args, settings)
    if args.command == "audit":
        return asyncio.run(audit_verify(settings))
    if args.command == "events":
        return asyncio.run(prune_events(settings, args.days))
    if args.command == "draw":
        return asyncio.run(draw_verify(settings, args.task_id))
    if args.command == "demo":
        data_dir = Path(args.data_dir).expanduser() if args.data_dir else settings.data_dir
        # The issuer names this server unless configured: the demo's port may differ.
        issuer = os.environ.get("GATEWAY_ISSUER") or f"http://127.0.0.1:{args.port}"
        settings = dataclasses.replace(
            settings,
            data_dir=data_dir,
            keys_dir=_demo_keys_dir(settings, data_dir),
            port=args.port,
            issuer=issuer,
        )
        from gateway.demo import run_demo

        return run_demo(settings, enterprises=args.enterprises, seed=args.seed)
    raise CommandError(f"unknown command {args.command}")


def _demo_keys_dir(settings: Settings, data_dir: Path) -> Path:
    """The keys live in the demo's data folder unless GATEWAY_KEYS_DIR says otherwise."""
    return settings.keys_dir if os.environ.get("GATEWAY_KEYS_DIR") else data_dir / "keys"


def _access(args: argparse.Namespace, settings: Settings) -> int:
    from auth import commands

    try:
        if args.command == "keys":
            return commands.keys(settings, args)
        return asyncio.run(commands.clients(settings, args))
    except commands.AccessCommandError as exc:
        raise CommandError(str(exc)) from None


PACKAGE_COMMANDS = {
    "associations": "gateway.associations.commands",
    "risk": "gateway.risk.commands",
    "supervision": "gateway.supervision.commands",
}
"""Commands whose package has an async `run(settings, args)`; their failures are
CommandErrors."""


def _package_command(args: argparse.Namespace, settings: Settings) -> int:
    module = importlib.import_module(PACKAGE_COMMANDS[args.command])
    code: int = asyncio.run(module.run(settings, args))
    return code


async def audit_verify(settings: Settings) -> int:
    """Walk the audit chain; 0 when intact, 1 naming every row that breaks it."""
    from gateway.audit.verify import verify_command
    from gateway.lifecycle import open_archive

    pool = await open_archive(settings)
    try:
        return await verify_command(pool)
    finally:
        await pool.close()


async def draw_verify(settings: Settings, task_id: int) -> int:
    """Re-derive an inspection task's draw; 0 when it matches, 1 naming every difference."""
    from gateway.inspections.verify import verify_command
    from gateway.lifecycle import open_archive

    pool = await open_archive(settings)
    try:
        return await verify_command(pool, task_id)
    finally:
        await pool.close()


async def prune_events(settings: Settings, days: int | None) -> int:
    """Delete change-feed events older than `days` (default: the configured retention)."""
    from gateway.events.retention import prune_events as prune
    from gateway.lifecycle import open_archive

    keep = days if days is not None else settings.events_retention_days
    if keep == 0:
        raise CommandError("GATEWAY_EVENTS_RETENTION_DAYS is 0 (keep for ever): pass --days N")
    pool = await open_archive(settings)
    try:
        deleted = await prune(pool, keep)
    finally:
        await pool.close()
    print(f"pruned {deleted} events older than {keep} days")
    return 0


def serve(settings: Settings) -> int:
    """Serve GraphQL until interrupted."""
    import uvicorn

    from gateway.app import create_app

    _check_config(settings)
    if settings.workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_level="info")
        return 0
    from gateway.workers import PortUnavailable, check_port, supervise

    try:
        check_port(settings.host, settings.port)
        # The workers read their settings from this environment: start the embedded server
        # and migrate once here, then hand them its URL instead of each starting its own.
        os.environ["DATABASE_URL"] = asyncio.run(_migrated_archive(settings))
        return supervise(settings.host, settings.port, settings.workers)
    except PortUnavailable as exc:
        raise CommandError(f"{exc}: set GATEWAY_PORT to a free port") from None


async def _migrated_archive(settings: Settings) -> str:
    """The archive's URL (the embedded server started if need be), migrated."""
    from gateway.lifecycle import archive_url, open_archive

    url = await archive_url(settings)
    pool = await open_archive(dataclasses.replace(settings, database_url=url))
    await pool.close()
    return url


def _check_config(settings: Settings) -> None:
    """Fail before binding a port when a configuration file is wrong."""
    from adapters.config import ConfigError
    from gateway.keyareas import KeyAreaRulesError
    from gateway.lifecycle import load_key_area_rules, load_rule_sets, load_sources
    from gateway.risk.config import RiskModelsError, configured_models
    from gateway.rules.config import RulesConfigError
    from gateway.supervision.config import SupervisionConfigError, configured

    try:
        load_sources(settings)
        load_key_area_rules(settings)
        load_rule_sets(settings)
        configured(settings.supervision_rules)
        configured_models(settings.risk_models)
    except (ConfigError, KeyAreaRulesError, RulesConfigError, SupervisionConfigError,
            RiskModelsError) as exc:
        raise CommandError(f"configuration error: {exc}") from None


async def migrate(settings: Settings) -> int:
    """Apply pending migrations."""
    from gateway.lifecycle import open_archive

    pool = await open_archive(settings)
    await pool.close()
    print("migrations applied")
    return 0


async def sync(settings: Settings, only: str | None) -> int:
    """Sync the configured sources once, with a progress bar; 1 if any source failed."""
    from gateway.lifecycle import load_key_area_rules, load_sources, open_archive
    from gateway.sync import sync_source

    _check_config(settings)
    sources = load_sources(settings)
    if sources is None:
        raise CommandError("SOURCES_CONFIG is not set: name the sources' TOML file")
    chosen = [s for s in sources.sources if only is None or s.name == only]
    if not chosen:
        names = ", ".join(s.name for s in sources.sources)
        raise CommandError(f"no source named {only!r}; configured: {names}")
    rules = load_key_area_rules(settings)
    pool = await open_archive(settings)
    failed = 0
    try:
        with _progress() as progress:
            for source in chosen:
                task = progress.add_task(source.name, total=None)
                report = await sync_source(
                    pool, source, rules, on_batch=functools.partial(progress.advance, task)
                )
                progress.update(task, total=report.rows, completed=report.rows)
                _print_report(progress.console, report)
                failed += report.error is not None
    finally:
        await pool.close()
    return 1 if failed else 0


async def tags(settings: Settings, args: argparse.Namespace) -> int:
    """Add or remove a manual key-area tag, or show an enterprise's tag history."""
    from gateway.clock import utcnow
    from gateway.keyareas import ManualTagError, set_manual_tag, tag_history
    from gateway.lifecycle import load_key_area_rules, open_archive
    from gateway.records import KeyArea
    from gateway.uscc import InvalidUSCC, normalise

    try:
        uscc = normalise(args.uscc)
    except InvalidUSCC as exc:
        raise CommandError(f"{args.uscc!r} is not a valid USCC: {exc}") from None
    pool = await open_archive(settings)
    try:
        async with pool.acquire() as conn:
            if args.action == "show":
                for row in await tag_history(conn, uscc):
                    print(
                        f"{row['changed_at']:%Y-%m-%d %H:%M} {row['change']:<7} "
                        f"{row['key_area']:<28} {row['origin']:<16} {row['reason']}"
                    )
                return 0
            changed = await set_manual_tag(
                conn,
                uscc,
                KeyArea(args.key_area),
                args.reason,
                present=args.action == "add",
                rules=load_key_area_rules(settings),
                at=utcnow(),
            )
    except ManualTagError as exc:
        raise CommandError(str(exc)) from None
    finally:
        await pool.close()
    print("tag changed" if changed else "nothing to change")
    return 0


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:>9,.0f} rows"),
        TimeElapsedColumn(),
    )


def _print_report(console: Console, report: object) -> None:
    from gateway.sync import SyncReport

    assert isinstance(report, SyncReport)
    if report.skipped:
        console.print(f"{report.source}: skipped, another process is syncing it")
        return
    r = report.result
    line = (
        f"{report.source}: {report.rows} rows in {report.batches} batches: "
        f"{r.inserted} new, {r.updated} changed, {r.unchanged} unchanged, "
        f"{r.quarantined} quarantined"
    )
    if report.error:
        line += f"; stopped: {report.error}"
    console.print(line)
