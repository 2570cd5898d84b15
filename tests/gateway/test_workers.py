"""`serve` with GATEWAY_WORKERS: real worker processes sharing one port, stopped together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    return state != "Z"


class Served:
    """`credit-gateway serve` with two workers, on a free port."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.port = _free_port()
        env = {
            **os.environ, "DATABASE_URL": database_url, "GATEWAY_DATA_DIR": str(data_dir),
            "GATEWAY_PORT": str(self.port), "GATEWAY_WORKERS": "2", "GATEWAY_SYNC": "false",
            "GATEWAY_RISK_FOLLOW": "false",
        }
        env.pop("SOURCES_CONFIG", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # its own process group, as a terminal would give it
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read()  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("serve did not become ready")

    def workers(self) -> set[int]:
        """The worker processes (the supervisor's children that serve, not its helpers)."""
        return {pid for pid in _children(self.process.pid)
                if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")}


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    server = Served(database_url, tmp_path / "data")
    try:
        server.wait_until_ready()
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def _ask_all(url: str, connections: int) -> None:
    """Open `connections` keep-alive connections at once and query GraphQL on each."""
    clients = [httpx.Client(base_url=url, timeout=10) for _ in range(connections)]
    try:
        for client in clients:
            answer = client.post("/graphql", json={"query": "{ sources { name } }"})
            assert answer.status_code == 200 and "errors" not in answer.json()
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("stop", ["SIGTERM to the supervisor", "Ctrl-C in its terminal"])
def test_two_workers_serve_the_port_and_stop_together(served: Served, stop: str) -> None:
    workers = served.workers()
    assert len(workers) == 2
    _ask_all(served.url, 16)
    if stop.startswith("SIGTERM"):
        served.process.send_signal(signal.SIGTERM)
    else:
        os.killpg(served.process.pid, signal.SIGINT)
    assert served.process.wait(timeout=60) == 0
    assert not any(_alive(pid) for pid in workers)


def test_a_worker_that_dies_stops_the_others_and_fails_the_service(served: Served) -> None:
    first, second = sorted(served.workers())
    os.kill(first, signal.SIGKILL)
    assert served.process.wait(timeout=60) == 1
    assert not _alive(second)
    assert "a worker ended" in served.process.stderr.read()  # type: ignore[union-attr]


def test_a_busy_port_stops_serve_before_any_worker_starts(
    database_url: str, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": database_url, "GATEWAY_PORT": str(port),
               "GATEWAY_WORKERS": "2", "GATEWAY_DATA_DIR": str(tmp_path / "data")}
        result = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "serve"], env=env, cwd=ROOT,
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert result.returncode == 1
    assert f"credit-gateway: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "GATEWAY_PORT" in result.stderr and "Traceback" not in result.stderr
