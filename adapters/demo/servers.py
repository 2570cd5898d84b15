"""Serve ASGI apps with uvicorn on loopback, in a child process.

The demo's department systems run apart from the gateway, as separate systems would be: their
work takes no time from the gateway's interpreter, which matters when it syncs from them.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence

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


async def _serve_all(servers: Sequence[uvicorn.Server], sockets: Sequence[socket.socket]) -> None:
    """Serve every server on its socket until all have stopped; one that fails to start
    stops the rest."""

    async def serve(server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            await server.serve(sockets=[sock])
        except SystemExit:
            pass  # uvicorn exits when the app's startup fails; the parent reports it
        finally:
            for other in servers:
                other.should_exit = other.should_exit or not server.started

    await asyncio.gather(*(serve(s, k) for s, k in zip(servers, sockets, strict=True)))


def _server(app: ASGIApp) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))


class ServersProcess:
    """uvicorn servers for some apps, each on its own 127.0.0.1 port (0 = any free port),
    in a child process (`python -m adapters.demo.servers`). The ports are bound here, so they
    are known and taken before the child starts; the child is told the app factories
    (pickled) on its standard input, says "ready" on its standard output, and stops when
    told to or when its standard input closes (this process ended, however it ended)."""

    def __init__(self, factories: Sequence[tuple[AppFactory, int]]) -> None:
        self._factories = pickle.dumps([f for f, _ in factories])  # fails here if one cannot
        self._sockets = [bind_loopback(port) for _, port in factories]
        self._process: subprocess.Popen[bytes] | None = None
        self.urls = [_url(s) for s in self._sockets]

    async def start(self) -> list[str]:
        """Start the child; returns the base URLs once every server accepts requests."""
        process = self._process = self._spawn()
        assert process.stdout is not None
        try:
            said = await asyncio.wait_for(
                asyncio.to_thread(process.stdout.readline), STARTUP_TIMEOUT)
        except TimeoutError:
            said = b""
        if said.strip() != b"ready":
            await self.stop()
            raise ServerError("a demo system did not start (see the log above)")
        return self.urls

    def _spawn(self) -> subprocess.Popen[bytes]:
        fds = [s.fileno() for s in self._sockets]
        process = subprocess.Popen(  # noqa: S603 (this interpreter running this module)
            [sys.executable, "-m", __name__, *map(str, fds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=fds,
        )
        assert process.stdin is not None
        process.stdin.write(len(self._factories).to_bytes(8, "big") + self._factories)
        process.stdin.flush()
        return process

    async def stop(self) -> None:
        """Shut the child down (SIGTERM, then SIGKILL if it lingers) and wait for it."""
        process = self._process
        if process is not None and process.stdin is not None:
            process.stdin.close()
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                await asyncio.to_thread(process.wait, STARTUP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait)
        for sock in self._sockets:
            sock.close()


def _child(fds: Sequence[int]) -> None:
    """The child process: serve the apps on the inherited sockets until SIGTERM or SIGINT."""
    size = int.from_bytes(_read_exactly(0, 8), "big")
    factories: list[AppFactory] = pickle.loads(_read_exactly(0, size))  # noqa: S301 (the parent's)
    sockets = [socket.socket(fileno=fd) for fd in fds]
    servers = [_server(make()) for make in factories]

    async def main() -> None:
        serving = asyncio.create_task(_serve_all(servers, sockets))
        while not all(s.started for s in servers):
            if serving.done():
                return  # one failed to start and stopped the rest; the parent reports it
            await asyncio.sleep(0.01)
        # uvicorn's own handlers reach one server each; these, set last, stop them all.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        loop.add_reader(0, stop_at_end_of_input)
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await serving

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    def stop_at_end_of_input() -> None:
        if not os.read(0, 4096):  # the parent closed the pipe or is gone
            asyncio.get_running_loop().remove_reader(0)
            stop()

    asyncio.run(main())


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise SystemExit("the parent closed the pipe before sending the apps")
        data += chunk
    return data


if __name__ == "__main__":
    _child([int(fd) for fd in sys.argv[1:]])
