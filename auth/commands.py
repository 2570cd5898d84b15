"""`credit-gateway clients ...` and `credit-gateway keys ...`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from auth import keys as signing_keys
from auth.clients import (
    ClientError,
    StoredClient,
    add_client,
    client_role,
    client_scopes,
    disable_client,
    list_clients,
    rotate_secret,
)
from auth.roles import Role, Scope
from gateway.settings import Settings


class AccessCommandError(Exception):
    """The command cannot be done; the message says why."""


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `clients` and `keys` subcommands."""
    clients = commands.add_parser("clients", help="clients of the token endpoint")
    actions = clients.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a client; prints its id and secret once")
    add.add_argument("name", help="who the client is, e.g. 汕头市公共资源交易中心")
    roles = [r.value for r in Role if r is not Role.PUBLIC]
    add.add_argument("--role", required=True, choices=roles, metavar="ROLE", help=", ".join(roles))
    add.add_argument(
        "--scope",
        action="append",
        default=[],
        metavar="SCOPE",
        help="limit the client to these scopes (repeat; default: all of its role's): "
        + ", ".join(s.value for s in Scope),
    )
    actions.add_parser("list", help="every client, with its role, scopes and state")
    for action, text in (
        ("disable", "disable a client: its tokens stop working at once"),
        ("rotate-secret", "give a client a new secret (printed once; the old one stops)"),
    ):
        actions.add_parser(action, help=text).add_argument("client_id", help="the client's id")
    keys = commands.add_parser("keys", help="the gateway's token signing keys")
    key_actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    key_actions.add_parser("list", help="the keys in the JWKS, newest (signing) last")
    key_actions.add_parser("rotate", help="add a new signing key; old ones keep verifying")
    key_actions.add_parser("retire", help="drop an old key").add_argument("kid", help="key id")


def with_key_ids_guarded(argv: Sequence[str]) -> list[str]:
    """`argv` with `--` put before the kid of `keys retire`: a kid is base64url and one in
    64 begins with '-', which argparse would take for an option."""
    args = list(argv)
    for i in range(len(args) - 2):
        if args[i : i + 2] == ["keys", "retire"]:
            kid = args[i + 2]
            if kid.startswith("-") and kid not in ("-h", "--help", "--"):
                args.insert(i + 2, "--")
            break
    return args


async def clients(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `clients` action."""
    from gateway.lifecycle import open_archive

    pool = await open_archive(settings)
    try:
        async with pool.acquire() as conn:
            if args.action == "add":
                role = client_role(args.role)
                scopes = client_scopes(role, args.scope)
                made = await add_client(conn, args.name, role, scopes)
                print(f"client_id:     {made.client_id}")
                print(f"client_secret: {made.client_secret}")
                print("Keep the secret now: it is stored only as a hash and never shown again.")
            elif args.action == "list":
                _print_clients(await list_clients(conn))
            elif args.action == "disable":
                changed = await disable_client(conn, args.client_id)
                print("client disabled" if changed else "client was already disabled")
            else:
                made = await rotate_secret(conn, args.client_id)
                print(f"client_secret: {made.client_secret}")
    except ClientError as exc:
        raise AccessCommandError(str(exc)) from None
    finally:
        await pool.close()
    return 0


def _print_clients(found: list[StoredClient]) -> None:
    """One tab-separated line per client (easy to grep and cut), after a header."""
    print("client_id\tname\trole\tscopes\tcreated\tstate")
    for c in found:
        state = "active" if c.active else f"disabled {c.disabled_at:%Y-%m-%dT%H:%M%z}"
        scopes = " ".join(sorted(s.value for s in c.scopes))
        print(f"{c.client_id}\t{c.name}\t{c.role.value}\t{scopes}\t{c.created_at:%Y-%m-%d}\t{state}")


def keys(settings: Settings, args: argparse.Namespace) -> int:
    """Run a `keys` action."""
    folder = settings.keys_dir
    try:
        signing_keys.SigningKeys.load_or_create(folder)  # a first key, as the server makes it
        if args.action == "rotate":
            print(f"new signing key {signing_keys.rotate(folder)}")
        elif args.action == "retire":
            signing_keys.retire(folder, args.kid)
            print(f"key {args.kid} retired")
        for kid in signing_keys.SigningKeys.load_or_create(folder).kids:
            print(kid)
    except (signing_keys.KeyStoreError, ValueError) as exc:
        raise AccessCommandError(str(exc)) from None
    return 0
