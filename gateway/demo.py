"""`credit-gateway demo`: demo source systems of every kind, synced and served."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import socket
from collections.abc import Callable
from typing import Any

import asyncpg
import uvicorn
from rich.console import Console

from auth.clients import Credentials, add_client, list_clients, rotate_secret
from auth.roles import ROLE_SCOPES, Role
from gateway.clock import utcnow
from gateway.commands import CommandError
from gateway.database import ensure_database
from gateway.rules.calendar import local_date
from gateway.settings import Settings

EXCHANGE_DATABASE = "demo_exchange"


def run_demo(settings: Settings, *, enterprises: int, seed: int) -> int:
    """Generate, sync and serve until interrupted."""
    # Taken before the long work, so that a busy port fails at once.
    sock = _listen(settings.port)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_demo(settings, enterprises, seed, sock))
    finally:
        sock.close()
    return 0


def _listen(port: int) -> socket.socket:
    from adapters.demo.servers import ServerError, bind_loopback

    try:
        return bind_loopback(port)
    except ServerError as exc:
        raise CommandError(f"{exc}; choose another --port") from None


class _Server(uvicorn.Server):
    """A uvicorn server that says when it accepts requests."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_started()


async def _demo(settings: Settings, enterprises: int, seed: int, sock: socket.socket) -> None:
    from adapters.demo import start_demo_sources
    from gateway.app import create_app
    from gateway.database import resolve_url
    from gateway.demo_supervision import set_up_supervision
    from gateway.lifecycle import load_key_area_rules, load_sources, open_archive
    from gateway.sync import sync_all

    console = Console()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server_url = await asyncio.to_thread(resolve_url, settings.database_url, settings.data_dir)
    settings = dataclasses.replace(settings, database_url=server_url)
    exchange = (await ensure_database(server_url, EXCHANGE_DATABASE))[0]
    console.print(f"generating {enterprises:,} enterprises into the demo source systems …")
    demo = await start_demo_sources(settings.data_dir / "demo", exchange, enterprises, seed)
    try:
        os.environ.update(demo.env)
        settings = dataclasses.replace(settings, sources_config=demo.config_path)
        sources = load_sources(settings)
        assert sources is not None
        pool = await open_archive(settings)
        try:
            for report in await sync_all(pool, sources, load_key_area_rules(settings)):
                r = report.result
                console.print(
                    f"  synced {report.source}: {report.rows:,} rows, "
                    f"{r.inserted:,} new, {r.quarantined} quarantined"
                    + (f", error: {report.error}" if report.error else "")
                )
            clients = await demo_clients(pool)
            sample = demo.sample_usccs[0] if demo.sample_usccs else SAMPLE_USCC
            console.print("assessing credit risk and deriving the key-supervision list …")
            supervision = await set_up_supervision(pool, settings, seed, sample)
            classes = ", ".join(f"{c} {n:,}" for c, n in supervision.classes.items())
            console.print(f"  risk classes: {classes}; key-supervision entries: "
                          f"{supervision.key_supervised:,}; inspectors: {supervision.inspectors}")
        finally:
            await pool.close()
        config = uvicorn.Config(create_app(settings), log_level="warning")
        # The address is printed once the server answers on it, not before.
        server = _Server(config, lambda: _print_welcome(settings, sample, clients))
        await server.serve(sockets=[sock])
    finally:
        await demo.stop()


DEMO_CLIENT = "demo {role}"
"""Name of the demo's client of each role; a new demo run gives each a new secret."""


async def demo_clients(pool: asyncpg.Pool[Any]) -> dict[Role, Credentials]:
    """One client per role, named DEMO_CLIENT, each with a fresh secret."""
    found: dict[Role, Credentials] = {}
    async with pool.acquire() as conn:
        existing = {(c.name, c.active): c.client_id for c in await list_clients(conn)}
        for role in Role:
            if role is Role.PUBLIC:
                continue
            name = DEMO_CLIENT.format(role=role.value)
            client_id = existing.get((name, True))
            if client_id is None:
                found[role] = await add_client(conn, name, role, ROLE_SCOPES[role])
            else:
                found[role] = await rotate_secret(conn, client_id)
    return found


SAMPLE_USCC = "914403001922038216"
"""Shown when the data set has no sample of its own (it always has one in practice)."""


def _print_welcome(settings: Settings, code: str, clients: dict[Role, Credentials]) -> None:
    # Plain print: these lines are copied and pasted, so no wrapping or markup.
    base = f"http://127.0.0.1:{settings.port}"
    address = f"{base}/graphql"
    body = json.dumps({"query": SHORT_QUERY.replace("$USCC", code)}, ensure_ascii=False)
    print(f"\nGraphiQL: {address}\n")
    print("Demo clients, one per role (secrets change on every demo start):")
    for role, c in clients.items():
        print(f"  {role.value:<14} client_id {c.client_id}  client_secret {c.client_secret}")
    partner = clients[Role.PARTNER]
    print(f"\nSample enterprise: {code}\nTry this query in GraphiQL (the public view):\n")
    print(SAMPLE_QUERY.replace("$USCC", code))
    print("\nor with curl, as the public and then as a partner agency:\n")
    print(f"curl -s {address} -H 'content-type: application/json' -d '{body}'")
    print(
        f"TOKEN=$(curl -s -u {partner.client_id}:{partner.client_secret} "
        f"-d grant_type=client_credentials {base}/oauth/token | "
        "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
    )
    print(
        f"curl -s {address} -H 'content-type: application/json' "
        f"-H \"authorization: Bearer $TOKEN\" -H 'x-purpose: demo' -d '{body}'\n"
    )
    buyer = clients[Role.PROCUREMENT]
    verify = json.dumps({"query": VERIFY_QUERY.replace("$USCC", code)}, ensure_ascii=False)
    print("Verify it for government procurement, as a procurement system:\n")
    print(
        f"TOKEN=$(curl -s -u {buyer.client_id}:{buyer.client_secret} "
        f"-d grant_type=client_credentials {base}/oauth/token | "
        "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
    )
    print(
        f"curl -s {address} -H 'content-type: application/json' "
        f"-H \"authorization: Bearer $TOKEN\" -d '{verify}'\n"
    )
    _print_supervision(settings, code, clients[Role.SUPERVISOR])
    print("Press Ctrl+C to stop.", flush=True)


def _print_supervision(settings: Settings, code: str, supervisor: Credentials) -> None:
    base = f"http://127.0.0.1:{settings.port}"
    print("Supervise, as the bureau's staff: get a token, then send the documents below (in")
    print('GraphiQL, add the headers {"authorization": "Bearer <token>", "x-purpose": '
          '"supervision"}):\n')
    print(
        f"curl -s -u {supervisor.client_id}:{supervisor.client_secret} "
        f"-d grant_type=client_credentials {base}/oauth/token\n"
    )
    today = local_date(utcnow()).isoformat()
    print(SUPERVISION_DOCUMENTS.replace("$USCC", code).replace("$TODAY", today))
    print(f"\nThen check a draw from its published seed: GATEWAY_DATA_DIR={settings.data_dir} "
          "credit-gateway draw verify <task id>\n")


SUPERVISION_DOCUMENTS = """{ riskDistribution { classes { riskClass count } unassessed total }
  enterprise(uscc: "$USCC") { name riskAssessment { riskClass score model
    factors { code description contribution } } } }

mutation { createInspectionTask(input: {
    name: "2026年食品生产企业双随机抽查", departments: ["汕头市市场监督管理局"],
    checkItems: ["许可资质", "原料进货查验", "生产过程控制"],
    ratios: {a: "0.03", b: "0.05", c: "0.2", d: "0.5"},
    startsOn: "$TODAY", endsOn: "$TODAY", inspectorsPerEnterprise: 2,
    population: {division: "440507"} }) { id commitment } }

mutation { drawInspectionTask(taskId: <id>) { id seed snapshotHash drawnCount
    enterprises { edges { node { uscc name riskClass inspectors { id name } } } } } }

mutation { recordInspectionResult(taskId: <id>, uscc: "<a drawn code>",
    result: CORRECTED_ON_ORDER, inspectedOn: "$TODAY", text: "责令改正") { id result } }"""

SHORT_QUERY = '{ enterprise(uscc: "$USCC") { name status penalties { decisionNumber severity } } }'

VERIFY_QUERY = (
    '{ verifyCredit(uscc: "$USCC", purpose: GOVERNMENT_PROCUREMENT) '
    "{ verdict findings { code summary legalBasis } token } }"
)

SAMPLE_QUERY = """{
  enterprise(uscc: "$USCC") {
    uscc name formerNames status division keyAreas
    provenance { source department recordId receivedAt }
    licenses { number title status validUntil provenance { source recordId } }
    penalties { decisionNumber decidedOn severity fineAmount measures
                publicity { state publicUntil repairableFrom } provenance { source recordId } }
    inspections { reference inspectedOn result provenance { source recordId } }
    listings { kind reason listedOn active provenance { source recordId } }
    freshness { source syncedAt stale }
  }
}"""
