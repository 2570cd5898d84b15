"""Serve ASGI apps with uvicorn on loopback, apart from the caller's event loop.

`LoopbackServers` runs them in a background thread with its own event loop, without touching
the caller's signal handlers (uvicorn installs those only in the main thread).
`ServersProcess` runs them in a child process, as separate systems would be: their work then
takes no time from the caller's interpreter, which matters when the caller is the gateway
syncing from them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import socket
import threading
from collections.abc import Callable, Sequence
from multiprocessing.synchronize import Event

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 30.0

AppFactory = Callable[[], ASGIApp]
"""Makes an app in the child process; it must pickle (a module function, a bound method of a
picklable object)."""


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


def _url(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def _serve_all(servers: Sequence[uvicorn.Server], sockets: Sequence[socket.socket],
                     on_finished: Callable[[], None]) -> None:
    """Serve every server on its socket until all have stopped; one that fails to start
    stops the rest."""

    async def serve(server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            await server.serve(sockets=[sock])
        except SystemExit:
            pass  # uvicorn exits when the app's startup fails; start() reports it
        finally:
            on_finished()
            for other in servers:
                other.should_exit = other.should_exit or not server.started

    await asyncio.gather(*(serve(s, k) for s, k in zip(servers, sockets, strict=True)))


def _server(app: ASGIApp) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))


class LoopbackServers:
    """uvicorn servers for some apps, each on its own 127.0.0.1 port (0 = any free port),
    in a background thread."""

    def __init__(self, apps: Sequence[tuple[ASGIApp, int]]) -> None:
        self._sockets = [bind_loopback(port) for _, port in apps]
        self._servers = [_server(app) for app, _ in apps]
        self._thread = threading.Thread(target=self._run, name="demo-sources", daemon=True)
        self.urls = [_url(s) for s in self._sockets]
        self._finished = 0

    def _run(self) -> None:
        asyncio.run(_serve_all(self._servers, self._sockets, self._count_finished))

    def _count_finished(self) -> None:
        self._finished += 1

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


class ServersProcess:
    """uvicorn servers for some apps, each on its own 127.0.0.1 port (0 = any free port),
    in a child process. The ports are bound here, so they are known and taken before the
    child starts."""

    def __init__(self, factories: Sequence[tuple[AppFactory, int]]) -> None:
        self._sockets = [bind_loopback(port) for _, port in factories]
        context = multiprocessing.get_context("spawn")  # no copy of this process's loop or pool
        self._ready = context.Event()
        self._process = context.Process(
            target=_child, name="demo-sources", daemon=True,
            args=([f for f, _ in factories], self._sockets, self._ready),
        )
        self.urls = [_url(s) for s in self._sockets]

    async def start(self) -> list[str]:
        """Start the child; returns the base URLs once every server accepts requests."""
        self._process.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_TIMEOUT
        while not self._ready.is_set():
            if not self._process.is_alive() or loop.time() > deadline:
                await self.stop()
                raise ServerError("a demo system did not start (see the log above)")
            await asyncio.sleep(0.02)
        return self.urls

    async def stop(self) -> None:
        """Shut the child down (SIGTERM, then SIGKILL if it lingers) and wait for it."""
        if self._process.is_alive():
            self._process.terminate()
            await asyncio.to_thread(self._process.join, STARTUP_TIMEOUT)
            if self._process.is_alive():
                self._process.kill()
                await asyncio.to_thread(self._process.join)
        for sock in self._sockets:
            sock.close()


def _child(factories: Sequence[AppFactory], sockets: Sequence[socket.socket], ready: Event) -> None:
    """The child process: serve until SIGTERM."""
    servers = [_server(make()) for make in factories]

    async def main() -> None:
        serving = asyncio.create_task(_serve_all(servers, sockets, lambda: None))
        while not all(s.started for s in servers):
            if serving.done():
                return  # one failed to start and stopped the rest; the parent reports it
            await asyncio.sleep(0.01)
        # uvicorn's own handlers reach one server each; these, set last, stop them all.
        for signum in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(signum, stop)
        ready.set()
        await serving

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    asyncio.run(main())
