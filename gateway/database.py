"""Where the archive lives: a configured PostgreSQL server, or an embedded one from pgserver."""

from __future__ import annotations

import logging
import os
import signal
import time
import warnings
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import asyncpg.pool

log = logging.getLogger(__name__)

Pool = asyncpg.Pool
Connection: TypeAlias = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"
"""A connection of its own or one borrowed from a pool: both run queries alike."""


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL in `data_dir`/pg and return its URL."""
    pg_dir = data_dir / "pg"
    pg_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # pgserver's platformdirs warns about XDG_RUNTIME_DIR
        warnings.simplefilter("ignore")
        import pgserver  # imported here: only the embedded mode needs its binaries

        # cleanup_mode=None leaves the server running for the next process to reuse.
        server = pgserver.get_server(str(pg_dir), cleanup_mode=None)  # type: ignore[attr-defined]
    url = str(server.get_uri())
    log.info("embedded PostgreSQL at %s", pg_dir)
    return url


def stop_embedded(data_dir: Path, wait: float = 10.0) -> None:
    """Stop the embedded PostgreSQL of `data_dir` if it runs (fast shutdown), waiting for it."""
    pid_file = data_dir / "pg" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGINT)
    except (OSError, ValueError, IndexError):
        return
    deadline = time.monotonic() + wait
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def with_database(url: str, name: str) -> str:
    """The same server's URL for database `name`."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def ensure_database(server_url: str, name: str, *, fresh: bool = False) -> tuple[str, bool]:
    """The URL of database `name` on the server, created if missing (dropped first when
    `fresh`); and whether it was created now. `name` is the gateway's own, never a user's."""
    conn: asyncpg.Connection[Any] = await asyncpg.connect(server_url)
    try:
        if fresh:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url, name), not exists


def resolve_url(database_url: str | None, data_dir: Path) -> str:
    """The configured URL, or the embedded server's when none is configured."""
    return database_url or embedded_url(data_dir)


async def _init_connection(conn: asyncpg.Connection[Any]) -> None:
    await conn.set_type_codec(
        "jsonb", schema="pg_catalog", encoder=_json_dumps, decoder=_json_loads, format="text"
    )
    await conn.set_type_codec(
        "json", schema="pg_catalog", encoder=_json_dumps, decoder=_json_loads, format="text"
    )


def _json_dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_loads(text: str) -> Any:
    import json

    return json.loads(text)


SESSION_SETTINGS = {"jit": "off"}
"""Settings of every pooled connection. JIT: statements that take a list of codes look costly
to the planner (it plans the actual array), enough to compile them, and the compiling took
longer than running them: a profile read of 1,000 codes, 20 ms as planned without it, took
200 ms the first five times a connection ran it."""


async def create_pool(url: str, *, min_size: int = 2, max_size: int = 10) -> Pool:
    """A connection pool whose connections encode and decode JSON columns."""
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings=SESSION_SETTINGS,
    )
    assert pool is not None
    return pool
