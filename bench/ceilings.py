"""What a machine allows at most, whatever the gateway does: the floors under its speed targets.

    python -m bench.ceilings [--seconds 10] [--records 200000]

- framework: a GraphQL server that does no work at all (strawberry on starlette, served by
  uvicorn as the gateway is; one field that echoes its argument; parsed and validated
  documents cached) under the load of bench.verification_latency: 32 keep-alive clients on
  loopback, with 1 and 2 worker processes. No gateway request can be cheaper than this one,
  so its p99 is the least a verification's p99 can be on this machine.
- archive writes: the archive's two record tables as the migrations make them (every index
  included), filled by one INSERT … SELECT of N records that are already in PostgreSQL, in
  source order: the least CPU per record that any sync into this archive spends in
  PostgreSQL, before the enterprise index, the change feed, the key-area tags, and the
  reading and mapping of source rows. Done in a transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

from bench.common import machine, synced_archive
from bench.loadgen import run_load
from bench.profile_latency import free_port, percentile

ECHO = "query($code: String!) { echo(code: $code) }"


@strawberry.type(description="The least a GraphQL server can do.")
class Query:
    @strawberry.field(description="Its argument, unchanged.")
    async def echo(self, code: str) -> str:
        return code


app = Starlette(routes=[Route("/graphql", GraphQL(strawberry.Schema(
    Query, extensions=[ParserCache, ValidationCache])))])
"""The server of the framework floor (uvicorn imports it by name in each worker)."""


@contextlib.asynccontextmanager
async def echo_server(workers: int) -> AsyncIterator[str]:
    """`app` served by uvicorn with `workers` processes; its base URL once every worker
    answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.ceilings:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log",
         "--log-level", "warning"],
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=5) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    body = {"query": ECHO, "variables": {"code": "x"}}
                    if (await client.post("/graphql", json=body)).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # the other workers start within the same time
        yield url
    finally:
        server.terminate()
        server.wait(30)


async def framework_floor(workers: int, clients: int, seconds: float) -> str:
    async with echo_server(workers) as url:
        result = await run_load(
            url, lambda rng: {"query": ECHO, "variables": {"code": f"{rng.random()}"}},
            clients=clients, seconds=seconds,
        )
    return (f"{result.rate:,.0f} req/s, p50 {statistics.median(result.latencies):.1f} ms, "
            f"p99 {percentile(result.latencies, 99):.1f} ms")


_STAGE = """
INSERT INTO floor_source
SELECT kind, source, feed, record_id || '-' || n, uscc, department, payload::text,
       content_hash, source_updated_at, received_at
FROM records, generate_series(1, $1::int) AS n
ORDER BY source, feed, record_id || '-' || n
LIMIT $2
"""
_BARE = """
INSERT INTO floor_bare (kind, source, feed, record_id, uscc, department, payload,
                        content_hash, source_updated_at, received_at)
SELECT kind, source, feed, record_id, uscc, department, payload::jsonb, content_hash,
       source_updated_at, received_at
FROM floor_source
"""
_RECORDS = _BARE.replace("floor_bare", "floor_records")
_VERSIONS = """
INSERT INTO floor_versions (record_pk, version, uscc, payload, content_hash,
                            source_updated_at, received_at)
SELECT id, 1, uscc, payload, content_hash, source_updated_at, received_at FROM floor_records
"""


async def archive_floor(archive: str, records: int) -> dict[str, float]:
    """Microseconds per record of each insert, in a transaction rolled back afterwards."""
    conn: asyncpg.Connection[Any] = await asyncpg.connect(archive)
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute(
            "CREATE TEMP TABLE floor_source (kind text, source text, feed text,"
            " record_id text, uscc text COLLATE \"C\", department text, payload text,"
            " content_hash bytea, source_updated_at timestamptz, received_at timestamptz);"
            # Real tables, written to the WAL as the archive's are (a temporary one is not).
            "CREATE TABLE floor_bare (LIKE records INCLUDING DEFAULTS INCLUDING IDENTITY);"
            "CREATE TABLE floor_records (LIKE records INCLUDING ALL);"
            "CREATE TABLE floor_versions (LIKE record_versions INCLUDING ALL)"
        )
        have: int = await conn.fetchval("SELECT count(*) FROM records")
        await conn.execute(_STAGE, -(-records // have), records)
        timings = {}
        for name, statement in (("records, no index", _BARE), ("records", _RECORDS),
                                ("record_versions", _VERSIONS)):
            started = time.perf_counter()
            await conn.execute(statement)
            timings[name] = (time.perf_counter() - started) / records * 1e6
        return timings
    finally:
        await transaction.rollback()
        await conn.close()


async def main(seconds: float, clients: int, records: int) -> None:
    print(f"machine: {machine()}")
    print(f"framework floor: a GraphQL server that does nothing, {clients} clients")
    for workers in (1, 2):
        print(f"  {workers} worker(s): {await framework_floor(workers, clients, seconds)}")
    archive, demo = await synced_archive(10_000)
    await demo.stop()
    print(f"archive write floor: one INSERT … SELECT of {records:,} records in source order")
    timings = await archive_floor(archive, records)
    for name, micros in timings.items():
        print(f"  {name}: {micros:.1f} µs per record")
    both = timings["records"] + timings["record_versions"]
    print(f"  both tables: {both:.1f} µs per record, at most {1e6 / both:,.0f} records/s "
          "from one PostgreSQL backend")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--records", type=int, default=200_000)
    a = parser.parse_args()
    asyncio.run(main(a.seconds, a.clients, a.records))
