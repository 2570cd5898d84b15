"""A lean HTTP/1.1 load generator: keep-alive connections on asyncio streams.

The benchmarks that put a server under load used to drive it with httpx, whose per-request
work cost about as much CPU as the server's own; on a two-core machine the client then took a
core from the server and its event-loop queueing showed up as server latency. Like `wrk` or
`oha`, this client does the least a client can (one preformatted request, one parsed status
line and `Content-Length`), so the numbers measure the server.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class LoadError(Exception):
    """The server answered a benchmark request with something other than success."""


@dataclass
class LoadResult:
    """Latencies in milliseconds of the completed requests and the seconds they took."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Completed requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Connection:
    """One keep-alive HTTP/1.1 connection that sends POSTs of JSON and reads whole answers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 head: bytes) -> None:
        self._reader = reader
        self._writer = writer
        self._head = head

    @classmethod
    async def open(cls, url: str, path: str, headers: Mapping[str, str]) -> Connection:
        """A connection to the server of `url` that will POST to `path`."""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        reader, writer = await asyncio.open_connection(host, port)
        lines = [f"POST {path} HTTP/1.1", f"host: {host}:{port}",
                 "content-type: application/json", "accept: application/json",
                 *(f"{k}: {v}" for k, v in headers.items())]
        return cls(reader, writer, ("\r\n".join(lines) + "\r\n").encode())

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """Send one request; its status code and body."""
        self._writer.write(self._head + b"content-length: %d\r\n\r\n" % len(body) + body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self._reader.readexactly(length)

    async def close(self) -> None:
        """Close the connection."""
        self._writer.close()
        await self._writer.wait_closed()


async def run_load(
    url: str,
    bodies: Callable[[random.Random], Mapping[str, object]],
    *,
    clients: int,
    seconds: float,
    headers: Mapping[str, str] | None = None,
    path: str = "/graphql",
    warmup: int = 2,
) -> LoadResult:
    """`clients` connections each sending requests back to back for `seconds` (after
    `warmup` requests each, not counted); a non-200 answer or a GraphQL error raises."""
    connections = [await Connection.open(url, path, headers or {}) for _ in range(clients)]
    result = LoadResult()
    warmed, start = asyncio.Event(), asyncio.Event()
    ready = 0
    deadline = float("inf")

    async def client(index: int, connection: Connection) -> None:
        nonlocal ready
        rng = random.Random(index)
        for _ in range(warmup):
            await _checked(connection, bodies(rng))
        ready += 1
        if ready == clients:
            warmed.set()
        await start.wait()
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await _checked(connection, bodies(rng))
            result.latencies.append((time.perf_counter() - started) * 1000)

    tasks = [asyncio.create_task(client(i, c)) for i, c in enumerate(connections)]
    try:
        waiting = asyncio.create_task(warmed.wait())
        await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        began = time.perf_counter()
        deadline = began + seconds
        start.set()
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - began
    finally:
        for task in tasks:
            task.cancel()
        for connection in connections:
            await connection.close()
    return result


async def _checked(connection: Connection, body: Mapping[str, object]) -> bytes:
    """Send `body`; its answer, which must be a 200 without GraphQL errors."""
    status, answer = await connection.post(json.dumps(body).encode())
    if status != 200 or b'"errors"' in answer:
        raise LoadError(f"HTTP {status}: {answer[:300]!r}")
    return answer
