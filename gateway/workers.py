"""`serve` on several processes: each worker listens on the port with its own socket.

uvicorn's own `--workers` shares one listening socket, and a worker that wakes up accepts
every connection waiting at that moment: a burst of keep-alive clients then lands on one
process while the others idle. Here every worker binds the port with SO_REUSEPORT, so the
kernel spreads new connections across them. The workers are independent gateway processes
(their own pool, background tasks and caches, as several instances behind a load balancer
would be); the supervisor only starts them, forwards a stop signal, and stops them all when
one dies, leaving the restart to whatever runs the service.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
from collections.abc import Sequence
from multiprocessing.process import BaseProcess
from types import FrameType

log = logging.getLogger(__name__)

_CLEAN_EXIT = (0, -signal.SIGTERM)
"""How a worker ends after a graceful shutdown (uvicorn re-raises the signal it handled)."""

STOP_GRACE = 30.0
"""Seconds a worker has to finish its requests after a stop signal before it is killed."""


class PortUnavailable(OSError):
    """The port cannot be listened on (the message says why)."""


def listening_socket(host: str, port: int, *, shared: bool = True) -> socket.socket:
    """A socket bound to host:port; `shared`: one that the other workers may bind too
    (SO_REUSEPORT)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def check_port(host: str, port: int) -> None:
    """Raise PortUnavailable when host:port is in use, even by another gateway's workers,
    which would otherwise share it with these (a plain bind, without SO_REUSEPORT)."""
    try:
        listening_socket(host, port, shared=False).close()
    except OSError as exc:
        raise PortUnavailable(f"cannot listen on {host}:{port} ({exc.strerror})") from None


def run_worker(host: str, port: int) -> None:
    """One worker: the gateway of this process's environment on its own socket."""
    import uvicorn

    # Out of the terminal's process group: Ctrl-C reaches the supervisor alone, which passes
    # one SIGTERM on (a second signal would make uvicorn skip its graceful shutdown).
    os.setpgrp()
    sock = listening_socket(host, port)
    config = uvicorn.Config("gateway.app:create_app_from_environment", factory=True,
                            log_level="info")
    uvicorn.Server(config).run(sockets=[sock])


def supervise(host: str, port: int, count: int) -> int:
    """Run `count` workers until a stop signal or until one of them ends; the exit status:
    0 when stopped by a signal and every worker shut down cleanly."""
    check_port(host, port)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=run_worker, args=(host, port), name=f"worker-{i + 1}")
               for i in range(count)]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        _signal_all(workers, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for worker in workers:
            worker.start()
        log.info("serving on %s:%d with %d workers", host, port, count)
        status = _wait_for_first_end(workers)
        if not stopping:
            log.error("a worker ended (exit code %s): stopping the others", status)
            _signal_all(workers, signal.SIGTERM)
        _join_all(workers)
        return 0 if stopping and all(w.exitcode in _CLEAN_EXIT for w in workers) else 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_for_first_end(workers: Sequence[BaseProcess]) -> int | None:
    """Block until some worker has ended; its exit code."""
    from multiprocessing.connection import wait

    while True:
        wait([w.sentinel for w in workers])
        for worker in workers:
            if not worker.is_alive():
                return worker.exitcode


def _signal_all(workers: Sequence[BaseProcess], signum: int) -> None:
    for worker in workers:
        if worker.pid is not None and worker.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signum)


def _join_all(workers: Sequence[BaseProcess]) -> None:
    for worker in workers:
        worker.join(STOP_GRACE)
        if worker.is_alive():
            log.warning("%s did not stop in %.0f s: killing it", worker.name, STOP_GRACE)
            worker.kill()
            worker.join()
