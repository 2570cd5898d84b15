"""Whether a client is active, as every gateway process sees it moments after a change.

Each process keeps what it has looked up and LISTENs on the channel the clients table
announces changes on; a notification makes it forget that client, so the next request reads
the change. While the listening connection is down, every check reads the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

CHANNEL = "credit_gateway_clients"
RECONNECT_SECONDS = 2.0


class ClientStatus:
    """Active/disabled state of clients, cached and invalidated by NOTIFY."""

    def __init__(self, pool: asyncpg.Pool[Any], url: str) -> None:
        self._pool = pool
        self._url = url
        self._known: dict[str, bool] = {}
        self._generation = 0
        self._listener: asyncpg.Connection[Any] | None = None
        self._reconnect: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        """Start listening; a failure leaves the cache off (strict reads) and retries."""
        try:
            await self._listen()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("client changes: cannot listen (%s); checking every request", exc)
            self._schedule_reconnect()

    async def aclose(self) -> None:
        self._closed = True
        if self._reconnect is not None:
            self._reconnect.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect
        if self._listener is not None:
            await self._listener.close()
            self._listener = None

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def is_active(self, client_id: str) -> bool:
        """Whether the client exists and is not disabled."""
        if not self.listening:
            return await self._read(client_id)
        cached = self._known.get(client_id)
        if cached is not None:
            return cached
        generation = self._generation
        active = await self._read(client_id)
        if generation == self._generation:  # no change was announced while we read
            self._known[client_id] = active
        return active

    async def _read(self, client_id: str) -> bool:
        found = await self._pool.fetchval(
            "SELECT disabled_at IS NULL FROM clients WHERE client_id = $1", client_id
        )
        return bool(found)

    async def _listen(self) -> None:
        conn: asyncpg.Connection[Any] = await asyncpg.connect(self._url)
        await conn.add_listener(CHANNEL, self._changed)
        conn.add_termination_listener(self._lost)
        self._forget_all()
        self._listener = conn

    def _changed(self, conn: Any, pid: int, channel: str, client_id: object) -> None:
        self._generation += 1
        self._known.pop(str(client_id), None)

    def _lost(self, conn: Any) -> None:
        if self._closed:
            return
        log.warning("client changes: listening connection lost; checking every request")
        self._listener = None
        self._forget_all()
        self._schedule_reconnect()

    def _forget_all(self) -> None:
        self._generation += 1
        self._known.clear()

    def _schedule_reconnect(self) -> None:
        if not self._closed and (self._reconnect is None or self._reconnect.done()):
            self._reconnect = asyncio.get_running_loop().create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        while not self._closed and not self.listening:
            await asyncio.sleep(RECONNECT_SECONDS)
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError) as exc:
                log.debug("client changes: still cannot listen: %s", exc)
