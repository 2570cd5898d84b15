"""What access control and the audit trail cost: profile throughput with both on and off.

    python -m bench.auth_overhead [--enterprises N] [--clients 32] [--seconds 20] [--rounds 3]

Runs of `credit-gateway serve` on the same archive, off and on in turn (`--rounds` pairs),
32 concurrent keep-alive clients (bench.loadgen) on loopback asking for full profiles:
- off: GATEWAY_AUTH=false and GATEWAY_AUDIT=false (everyone gets the full view, nothing is
  recorded);
- on: a partner client's bearer token and a stated purpose on every request, each verified,
  and an audit row committed (group commit) before each response.
Quotas are set out of reach in both runs (one loopback address sends everything). Target:
on ≥ 80 % of off, the median of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

import httpx

from auth.clients import add_client
from auth.roles import ROLE_SCOPES, Role
from bench.common import machine, synced_archive
from bench.profile_latency import UNLIMITED, running_server, sample_codes, throughput
from gateway.database import create_pool

ON = {**UNLIMITED, "GATEWAY_TOKEN_TTL": "3600", "GATEWAY_ISSUER": "http://127.0.0.1"}
"""Access control and audit on (the defaults); a token that outlives the runs, from an
issuer that does not change with the port."""


async def client_token(archive: str, role: Role) -> str:
    """A token of a new client of `role`, from the token endpoint of a server on the archive."""
    pool = await create_pool(archive, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            made = await add_client(conn, f"bench {role.value}", role, ROLE_SCOPES[role])
    finally:
        await pool.close()
    async with running_server(archive, ON) as (url, _), httpx.AsyncClient(base_url=url) as http:
        response = await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                                   auth=(made.client_id, made.client_secret))
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token


async def main(enterprises: int, clients: int, seconds: float, rounds: int) -> None:
    print(f"machine: {machine()}")
    archive, demo = await synced_archive(enterprises)
    await demo.stop()
    codes = await sample_codes(archive, 5000)
    token = await client_token(archive, Role.PARTNER)
    headers = {"authorization": f"Bearer {token}", "x-purpose": "benchmark"}
    print(f"{enterprises:,} enterprises, {clients} clients, {seconds:.0f} s each:")
    ratios = []
    for _ in range(rounds):  # alternated, so a machine whose speed drifts hits both alike
        off, _ = await throughput(archive, codes, clients, seconds)
        on, _ = await throughput(archive, codes, clients, seconds, ON, headers)
        ratios.append(on / off)
        print(f"  auth and audit off: {off:,.0f} req/s, on: {on:,.0f} req/s ({on / off:.0%})")
    print(f"  on / off, median of {rounds}: {statistics.median(ratios):.0%} (target ≥ 80 %)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    a = parser.parse_args()
    asyncio.run(main(a.enterprises, a.clients, a.seconds, a.rounds))
