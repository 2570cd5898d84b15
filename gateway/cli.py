"""The `credit-gateway` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from gateway.records import KeyArea
from gateway.settings import Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-gateway", description="Enterprise credit archive and GraphQL gateway."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="serve GraphQL (and sync in the background)")
    commands.add_parser("migrate", help="apply pending database migrations")
    sync = commands.add_parser("sync", help="pull changes from the configured sources")
    sync.add_argument("--source", metavar="NAME", help="only this source")
    tags = commands.add_parser("tags", help="key-area tags set by staff, and tag history")
    tag_actions = tags.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (("add", "add a manual tag"), ("remove", "remove a manual tag")):
        sub = tag_actions.add_parser(action, help=text)
        sub.add_argument("uscc", help="Unified Social Credit Code")
        sub.add_argument(
            "key_area",
            choices=[k.value for k in KeyArea],
            metavar="KEY_AREA",
            help=", ".join(k.value for k in KeyArea),
        )
        sub.add_argument("--reason", required=True, help="why (kept in the tag history)")
    show = tag_actions.add_parser("show", help="an enterprise's tag history")
    show.add_argument("uscc", help="Unified Social Credit Code")
    from auth.commands import add_arguments as add_access_commands

    add_access_commands(commands)
    from gateway.associations.commands import add_arguments as add_association_commands

    add_association_commands(commands)
    from gateway.supervision.commands import add_arguments as add_supervision_commands

    add_supervision_commands(commands)
    from gateway.risk.commands import add_arguments as add_risk_commands

    add_risk_commands(commands)
    audit = commands.add_parser("audit", help="the hash-chained audit trail")
    audit_actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    audit_actions.add_parser("verify", help="check the chain; names any changed row")
    events = commands.add_parser("events", help="the change feed")
    event_actions = events.add_subparsers(dest="action", required=True, metavar="ACTION")
    prune = event_actions.add_parser("prune", help="delete events older than the retention")
    prune.add_argument("--days", type=_days, metavar="N",
                       help="keep N days (default GATEWAY_EVENTS_RETENTION_DAYS)")
    draw = commands.add_parser("draw", help="draws of inspection tasks (双随机)")
    draw_actions = draw.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = draw_actions.add_parser("verify", help="re-derive a task's draw and compare it")
    verify.add_argument("task_id", type=_task_id, metavar="TASK_ID", help="the task's id")
    demo = commands.add_parser("demo", help="generate a Shantou data set, sync it and serve it")
    demo.add_argument(
        "--enterprises",
        type=_count,
        default=2000,
        metavar="N",
        help="enterprises to generate (default 2000, at most 1000000)",
    )
    demo.add_argument("--port", type=_port, default=8000, metavar="P", help="port (default 8000)")
    demo.add_argument("--data-dir", metavar="D", help="data folder (default GATEWAY_DATA_DIR)")
    demo.add_argument("--seed", type=int, default=2026, help="generator seed (default 2026)")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected 1 to 1000000, got {value}")
    return value


def _task_id(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 18 and int(text) > 0):
        raise argparse.ArgumentTypeError(f"expected a task id (a positive number), got {text!r}")
    return int(text)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, got {text!r}") from None
    if not 1 <= value <= 36_500:
        raise argparse.ArgumentTypeError(f"expected 1 to 36500 days, got {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    from auth.commands import with_key_ids_guarded

    args = _parser().parse_args(with_key_ids_guarded(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "pgserver"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"credit-gateway: configuration error: {exc}", file=sys.stderr)
        return 2
    from gateway import commands

    try:
        return commands.run(args, settings)
    except commands.CommandError as exc:
        print(f"credit-gateway: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
