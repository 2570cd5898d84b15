"""Serve ASGI apps with uvicorn on loopback, in a background thread with its own event loop.

The demo systems run beside the gateway, in the same process, yet apart from its event loop
(as separate systems would be) and without touching its signal handlers: uvicorn installs
those only in the main thread.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Sequence

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 30.0


class ServerError(RuntimeError):
    """A demo system could not be started."""


def bind_loopback(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:`port` (0 = any free port); ServerError if taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise ServerError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})") from None
    sock.listen(128)
    return sock


class LoopbackServers:
    """uvicorn servers for some apps, each on its own 127.0.0.1 port (0 = any free port)."""

    def __init__(self, apps: Sequence[tuple[ASGIApp, int]]) -> None:
        self._sockets = [bind_loopback(port) for _, port in apps]
        self._servers = [
            uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
            for app, _ in apps
        ]
        self._thread = threading.Thread(target=self._run, name="demo-sources", daemon=True)
        self.urls = [f"http://127.0.0.1:{s.getsockname()[1]}" for s in self._sockets]
        self._finished = 0

    def _run(self) -> None:
        async def serve(server: uvicorn.Server, sock: socket.socket) -> None:
            try:
                await server.serve(sockets=[sock])
            except SystemExit:
                pass  # uvicorn exits when the app's startup fails; start() reports it
            finally:
                self._finished += 1
                for other in self._servers:  # one failed to start: stop the rest
                    other.should_exit = other.should_exit or not server.started

        async def serve_all() -> None:
            pairs = zip(self._servers, self._sockets, strict=True)
            await asyncio.gather(*(serve(server, sock) for server, sock in pairs))
        asyncio.run(serve_all())

    async def start(self) -> list[str]:
        """Start serving; returns the base URLs once every server accepts requests."""
        self._thread.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_TIMEOUT
        while not all(s.started for s in self._servers):
            if self._finished or not self._thread.is_alive() or loop.time() > deadline:
                await self.stop()
                raise ServerError("a demo system did not start (see the log above)")
            await asyncio.sleep(0.02)
        return self.urls

    async def stop(self) -> None:
        """Shut the servers down and wait for the thread to end."""
        for server in self._servers:
            server.should_exit = True
        if self._thread.is_alive():
            await asyncio.to_thread(self._thread.join, STARTUP_TIMEOUT)
        for sock in self._sockets:
            sock.close()
