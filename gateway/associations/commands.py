"""`credit-gateway associations add|remove|list`: administrators keep association members."""

from __future__ import annotations

import argparse

from gateway.associations import membership
from gateway.associations.membership import MembershipError
from gateway.associations.store import Membership
from gateway.commands import CommandError
from gateway.settings import Settings
from gateway.uscc import InvalidUSCC, normalise


class AssociationCommandError(CommandError):
    """The command cannot be done; the message says why."""


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `associations` subcommand."""
    associations = commands.add_parser(
        "associations", help="member enterprises of industry association clients"
    )
    actions = associations.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (("add", "make an enterprise a member of an association client"),
                         ("remove", "end an enterprise's membership")):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("client_id", help="the association's client id (role association)")
        sub.add_argument("uscc", help="Unified Social Credit Code of the enterprise")
    listing = actions.add_parser("list", help="the members of one association, or of all")
    listing.add_argument("client_id", nargs="?", help="the association's client id")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run an `associations` action."""
    from gateway.lifecycle import open_archive

    uscc = _code(args.uscc) if args.action != "list" else ""
    pool = await open_archive(settings)
    try:
        async with pool.acquire() as conn:
            if args.action == "add":
                added = await membership.add_member(conn, args.client_id, uscc)
                print(f"{added.uscc} is now a member of {added.client_id}")
            elif args.action == "remove":
                removed = await membership.remove_member(conn, args.client_id, uscc)
                print(f"{removed.uscc} is no longer a member of {removed.client_id}")
            else:
                _print_members(await membership.list_members(conn, args.client_id))
    except MembershipError as exc:
        raise AssociationCommandError(str(exc)) from None
    finally:
        await pool.close()
    return 0


def _code(text: str) -> str:
    try:
        return normalise(text)
    except InvalidUSCC as exc:
        raise AssociationCommandError(f"{text!r} is not a valid USCC: {exc}") from None


def _print_members(found: list[Membership]) -> None:
    """One tab-separated line per membership (easy to grep and cut), after a header."""
    print("client_id\tuscc\tadded")
    for m in found:
        print(f"{m.client_id}\t{m.uscc}\t{m.added_at:%Y-%m-%dT%H:%M%z}")
