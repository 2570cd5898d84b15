"""`credit-gateway` as a new user meets it: real processes, the embedded PostgreSQL, real HTTP.

The demo runs exactly as the README tells a newcomer to start it, without DATABASE_URL, so it
starts its own embedded PostgreSQL in the data folder; it is then asked over HTTP for what it
printed, interrupted with Ctrl+C (SIGINT) and started again on the same data.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt as pyjwt
import pytest

from adapters.demo.build import FAULTS, MANIFEST
from tests.e2e.supervision_flow import check_supervision

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ENTERPRISES = 300
START_LIMIT = 180.0
"""Seconds the demo may take to print its address before the test calls it hung."""
STOP_LIMIT = 60.0
"""Seconds the demo may take to exit after Ctrl+C before the test calls it hung."""
SOURCES = ("registration", "licensing", "enforcement", "inspection")
LEFT_OUT = ("DATABASE_URL", "TEST_DATABASE_URL")
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/unreachable"
"""The archive for commands that must stop before opening it: a regression fails fast."""


def _environment(changes: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without a database URL, plus `changes`."""
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(changes or {})
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclasses.dataclass(frozen=True)
class Welcome:
    """What the demo prints once it serves."""

    address: str
    code: str
    query: str
    curl_body: dict[str, Any]
    clients: dict[str, tuple[str, str]]
    """Role -> (client id, secret) of the demo clients."""

    @classmethod
    def parse(cls, output: str) -> Welcome:
        address = re.search(r"^GraphiQL: (http://127\.0\.0\.1:\d+/graphql)$", output, re.M)
        code = re.search(r"^Sample enterprise: (\w{18})$", output, re.M)
        query = re.search(r"Try this query in GraphiQL \(the public view\):\n\n(.*?)\n\nor with",
                          output, re.S)
        curl = re.search(r"^curl -s (\S+) .* -d '(.*)'$", output, re.M)
        clients = re.findall(r"^  (\w+) +client_id (\S+)  client_secret (\S+)$", output, re.M)
        assert address and code and query and curl, f"unexpected welcome:\n{output}"
        assert curl.group(1) == address.group(1)
        return cls(address.group(1), code.group(1), query.group(1), json.loads(curl.group(2)),
                   {role: (cid, secret) for role, cid, secret in clients})

    @property
    def base_url(self) -> str:
        return self.address.removesuffix("/graphql")


class DemoProcess:
    """`credit-gateway demo` running as a subprocess, with everything it printed so far."""

    def __init__(self, data_dir: Path, port: int) -> None:
        command = [sys.executable, "-m", "gateway.cli", "demo", "--enterprises",
                   str(ENTERPRISES), "--port", str(port), "--data-dir", str(data_dir)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", env=_environment(), cwd=ROOT,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until_serving(self) -> Welcome:
        """The printed welcome, once the demo printed it (bounded)."""
        deadline = time.monotonic() + START_LIMIT
        while "Press Ctrl+C to stop." not in self.lines:
            code = self.process.poll()
            assert code is None, f"the demo exited with {code}:\n{self.output}"
            assert time.monotonic() < deadline, f"the demo did not start:\n{self.output}"
            time.sleep(0.1)
        return Welcome.parse(self.output)

    def interrupt(self) -> int:
        """Press Ctrl+C; the exit code (bounded wait)."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(STOP_LIMIT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the demo did not stop after Ctrl+C:\n{self.output}")
        self._reader.join(10)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)
        self._reader.join(10)

    def synced(self) -> dict[str, tuple[int, int, int]]:
        """Per source, the (rows, new, quarantined) of the sync lines printed."""
        found = re.findall(
            r"^\s*synced (\w+): ([\d,]+) rows, ([\d,]+) new, ([\d,]+) quarantined$",
            self.output, re.M,
        )
        return {name: (_number(rows), _number(new), _number(quarantined))
                for name, rows, new, quarantined in found}


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _postmaster(pg_dir: Path) -> tuple[int, str, int] | None:
    """The embedded server's (pid, socket folder, port) from its postmaster.pid, if any."""
    path = pg_dir / "postmaster.pid"
    if not path.exists():
        return None
    lines = path.read_text().splitlines()
    return int(lines[0]), lines[4], int(lines[3])


def _stop_embedded_server(pg_dir: Path) -> None:
    """Stop the embedded PostgreSQL the demo left running for its next start."""
    found = _postmaster(pg_dir)
    if found is None:
        return
    pid = found[0]
    try:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


async def _quarantine_counts(pg_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    """From the embedded archive: per source, its quarantine_count and its quarantine rows."""
    found = _postmaster(pg_dir)
    assert found is not None, "the embedded PostgreSQL is not running"
    _, socket_dir, port = found
    conn = await asyncpg.connect(host=socket_dir, port=port, user="postgres", database="postgres")
    try:
        counted = await conn.fetch("SELECT name, quarantine_count FROM sources")
        rows = await conn.fetch("SELECT source, count(*) AS n FROM quarantine GROUP BY source")
    finally:
        await conn.close()
    return ({r["name"]: r["quarantine_count"] for r in counted},
            {r["source"]: r["n"] for r in rows})


def _faults(data_dir: Path) -> dict[str, int]:
    """Per source, the faulty rows the demo data set was built with."""
    lines = (data_dir / "demo" / FAULTS).read_text("utf-8").splitlines()[1:]
    return dict(collections.Counter(line.split(",")[0] for line in lines))


def _post(
    client: httpx.Client, address: str, body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = client.post(address, json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, answer
    return answer


def _check_profile(profile: dict[str, Any], code: str) -> None:
    """Each part of the sample profile is there and comes from its own source."""
    assert profile["uscc"] == code and profile["name"]
    assert profile["provenance"]["source"] == "registration"
    assert profile["provenance"]["recordId"]
    parts = {"licenses": "licensing", "penalties": "enforcement",
             "inspections": "inspection", "listings": "enforcement"}
    for part, source in parts.items():
        assert profile[part], f"the sample code has no {part}"
        for item in profile[part]:
            assert item["provenance"]["source"] == source, (part, item)
            assert item["provenance"]["recordId"], (part, item)
    assert [f["source"] for f in profile["freshness"]] == list(SOURCES)


VERIFY = """query($uscc: USCC!, $purpose: VerificationPurpose!, $asOf: DateTime) {
  verifyCredit(uscc: $uscc, purpose: $purpose, asOf: $asOf) {
    id verdict token findings { code legalBasis record { kind id } } } }"""


def _check_verification(client: httpx.Client, welcome: Welcome) -> None:
    """A procurement system verifies a listed and an unlisted enterprise; the token verifies
    with an independent JOSE library; before its listing the listed one was clear."""
    client_id = welcome.clients["procurement"][0]
    token = _token(client, welcome, "procurement")
    buyer = {"authorization": f"Bearer {token}"}
    listed, purpose, code = _someone_listed(client, welcome)

    def verify(uscc: str, purpose: str, as_of: str | None = None) -> dict[str, Any]:
        body = {"query": VERIFY, "variables": {"uscc": uscc, "purpose": purpose, "asOf": as_of}}
        return dict(_post(client, welcome.address, body, buyer)["data"]["verifyCredit"])

    restricted = verify(listed["uscc"], purpose)
    assert restricted["verdict"] == "RESTRICTED"
    finding = next(f for f in restricted["findings"] if f["code"] == code)
    assert finding["legalBasis"] and finding["record"]["kind"] == "LISTING"
    before = _before_any_listing(client, welcome, listed["uscc"])
    earlier = verify(listed["uscc"], purpose, before)
    assert earlier["verdict"] == "CLEAR", (listed, [f["code"] for f in earlier["findings"]])

    keys = pyjwt.PyJWKClient(welcome.base_url + "/.well-known/jwks.json")
    claims = pyjwt.decode(restricted["token"], keys.get_signing_key_from_jwt(
        restricted["token"]).key, algorithms=["EdDSA"], audience=client_id)
    assert claims["jti"] == restricted["id"] and claims["verdict"] == "RESTRICTED"

    page = _post(client, welcome.address, {"query": "{ enterprises(first: 100) { edges { node "
                 "{ uscc status listings { active } penalties { id } } } } }"},
                 {"authorization": f"Bearer {token}"})
    candidates = [e["node"]["uscc"] for e in page["data"]["enterprises"]["edges"]
                  if e["node"]["status"] == "OPERATING" and not e["node"]["listings"]]
    assert any(verify(c, "PUBLIC_BIDDING")["verdict"] == "CLEAR" for c in candidates[:20])


def _token(client: httpx.Client, welcome: Welcome, role: str) -> str:
    response = client.post(welcome.base_url + "/oauth/token",
                           data={"grant_type": "client_credentials"}, auth=welcome.clients[role])
    token: str = response.json()["access_token"]
    return token


def _before_any_listing(client: httpx.Client, welcome: Welcome, uscc: str) -> str:
    """An instant before every list entry the enterprise ever had (as a partner sees them)."""
    partner = {"authorization": f"Bearer {_token(client, welcome, 'partner')}",
               "x-purpose": "demo"}
    query = f'{{ enterprise(uscc: "{uscc}") {{ listings {{ listedOn }} }} }}'
    listings = _post(client, welcome.address, {"query": query}, partner)["data"]["enterprise"]
    first = min(dt.date.fromisoformat(x["listedOn"]) for x in listings["listings"])
    return f"{first - dt.timedelta(days=1)}T12:00:00+08:00"


def _someone_listed(client: httpx.Client, welcome: Welcome) -> tuple[dict[str, Any], str, str]:
    """An enterprise on a list today (centralised publicity), the purpose that list restricts,
    and the finding it gives."""
    for kind, purpose, code in (("SERIOUS_DISHONESTY", "PUBLIC_BIDDING", "SERIOUS_LIST_ACTIVE"),
                                ("ABNORMAL_OPERATIONS", "CHANGE_REGISTRATION",
                                 "ABNORMAL_LIST_ACTIVE")):
        query = f"{{ listings(kind: {kind}, first: 1) {{ edges {{ node {{ uscc listedOn }} }} }} }}"
        edges = _post(client, welcome.address, {"query": query})["data"]["listings"]["edges"]
        if edges:
            return edges[0]["node"], purpose, code
    raise AssertionError("the demo lists no one")


def _check_serving(welcome: Welcome) -> None:
    with httpx.Client(timeout=30) as client:
        health = client.get(welcome.base_url + "/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}

        assert set(welcome.clients) == {"partner", "procurement", "market_access",
                                        "association", "supervisor", "admin", "source"}
        partner_id, partner_secret = welcome.clients["partner"]
        token = client.post(welcome.base_url + "/oauth/token",
                            data={"grant_type": "client_credentials"},
                            auth=(partner_id, partner_secret)).json()["access_token"]
        partner = {"authorization": f"Bearer {token}", "x-purpose": "demo"}
        query = {"query": welcome.query}
        profile = _post(client, welcome.address, query, partner)["data"]["enterprise"]
        _check_profile(profile, welcome.code)
        public = _post(client, welcome.address, query)["data"]["enterprise"]
        assert public["name"] == profile["name"]
        for part in ("penalties", "inspections", "listings"):
            assert all(item in profile[part] for item in public[part]), part
        short = _post(client, welcome.address, welcome.curl_body, partner)["data"]["enterprise"]
        assert short["name"] == profile["name"] and short["penalties"]
        _check_verification(client, welcome)

        query = "{ sources { name kind state recordCount quarantineCount } }"
        sources = _post(client, welcome.address, {"query": query})["data"]["sources"]
        assert [s["name"] for s in sources] == list(SOURCES)
        assert [s["kind"] for s in sources] == ["postgres", "http", "file", "http"]
        assert all(s["recordCount"] > 0 for s in sources), sources
        assert sum(s["quarantineCount"] for s in sources) > 0, sources

        page = client.get(welcome.address, headers={"accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "graphiql" in page.text.lower()


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """The demo's data folder; its embedded PostgreSQL is stopped afterwards.

    Not under pytest's base folder: every pytest run that starts makes that folder private
    again, and the embedded server runs as another user when started by root."""
    with tempfile.TemporaryDirectory(prefix="credit-gateway-demo-") as parent:
        folder = Path(parent) / "data"
        try:
            yield folder
        finally:
            _stop_embedded_server(folder / "pg")


def test_the_demo_serves_what_it_prints_stops_on_ctrl_c_and_restarts_on_its_data(
    data_dir: Path,
) -> None:
    demo = DemoProcess(data_dir, _free_port())
    try:
        welcome = demo.wait_until_serving()
        _check_serving(welcome)
        with httpx.Client(timeout=60) as client:
            check_supervision(_post, client, welcome.address,
                              _token(client, welcome, "supervisor"), welcome.code, data_dir)
        synced = demo.synced()
        assert list(synced) == list(SOURCES), demo.output
        assert all(new > 0 for _, new, _ in synced.values()), synced

        # Faulty rows are not in the API: the archive's quarantine holds them.
        counted, rows = asyncio.run(_quarantine_counts(data_dir / "pg"))
        faults = _faults(data_dir)
        assert faults, "the demo data set has no faulty rows"
        assert {s: n for s, n in counted.items() if n} == faults
        assert rows == faults
        assert {s: q for s, (_, _, q) in synced.items() if q} == faults

        assert demo.interrupt() == 0, demo.output
        assert "Traceback" not in demo.output, demo.output
    finally:
        demo.kill()

    built = (data_dir / "demo" / MANIFEST).stat().st_mtime_ns
    again = DemoProcess(data_dir, _free_port())
    try:
        rewelcome = again.wait_until_serving()
        assert rewelcome.code == welcome.code
        # the data set is reused, not rebuilt, and the archive already holds every record
        assert (data_dir / "demo" / MANIFEST).stat().st_mtime_ns == built
        resynced = again.synced()
        assert list(resynced) == list(SOURCES), again.output
        assert all(new == 0 and quarantined == 0 for _, new, quarantined in resynced.values())
        with httpx.Client(timeout=30) as client:
            short = _post(client, rewelcome.address, rewelcome.curl_body)["data"]["enterprise"]
            token_url = rewelcome.base_url + "/oauth/token"
            grant = {"grant_type": "client_credentials"}
            old = client.post(token_url, data=grant, auth=welcome.clients["partner"])
            new = client.post(token_url, data=grant, auth=rewelcome.clients["partner"])
        assert short["name"]
        assert rewelcome.clients["partner"][0] == welcome.clients["partner"][0]
        assert old.json()["error"] == "invalid_client" and new.status_code == 200
        assert again.interrupt() == 0, again.output
        assert "Traceback" not in again.output, again.output
    finally:
        again.kill()


def _cli(*args: str, env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
        encoding="utf-8", env=_environment(env), cwd=cwd, timeout=120, check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--enterprises", "0"], "argument --enterprises: expected 1 to 1000000, got 0"),
        (["--enterprises", "abc"], "argument --enterprises: expected a whole number, got 'abc'"),
        (["--port", "70000"], "argument --port: expected a port from 1 to 65535, got 70000"),
    ],
)
def test_bad_demo_arguments_stop_with_a_clear_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    data_dir = tmp_path / "data"
    result = _cli("demo", *args, "--data-dir", str(data_dir), env={}, cwd=ROOT)
    assert result.returncode == 2
    assert message in result.stderr
    assert not data_dir.exists()


def test_a_busy_port_stops_the_demo_before_it_generates_anything(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _cli("demo", "--port", str(port), "--data-dir", str(data_dir), env={}, cwd=ROOT)
    assert result.returncode == 1
    assert f"credit-gateway: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
    assert "GraphiQL" not in result.stdout
    assert not data_dir.exists()


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GATEWAY_PORT", "abc", "a whole number from 1 to 65535, got 'abc'"),
        ("GATEWAY_PORT", "0", "a whole number from 1 to 65535, got '0'"),
        ("DATABASE_URL", "mysql://x", "a URL starting postgres://... or postgresql://..."),
        ("GATEWAY_REFRESH_TIMEOUT", "soon", "a number of seconds from 0.05 to 60.0"),
        ("SOURCES_CONFIG", "missing.toml", "the path of an existing TOML file"),
    ],
)
def test_a_bad_setting_stops_serve_naming_the_variable(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    env = {"GATEWAY_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": UNREACHABLE, variable: value}
    result = _cli("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert f"credit-gateway: configuration error: {variable}: expected {expected}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[source]\nname = "registration"\n',
         "sources.toml: invalid TOML: Expected ']]' at the end of an array declaration"),
        ('[[source]]\nname = "registration"\ndepartment = "登记注册"\nconnector = "mysql"\n',
         'source "registration": key "connector": "mysql" is not one of postgres, http, file'),
        ((ROOT / "adapters" / "examples" / "sources.toml").read_text("utf-8"),
         'key "dsn": environment variable DEMO_EXCHANGE_DSN is not set'),
    ],
    ids=["invalid TOML", "unknown connector", "unset variable"],
)
def test_a_broken_sources_file_stops_sync_naming_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    env = {
        "SOURCES_CONFIG": str(path),
        "GATEWAY_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": UNREACHABLE,
    }
    result = _cli("sync", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("credit-gateway: configuration error: ")
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_a_broken_rules_file_stops_serve_naming_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[calendar]\nextra_holidays = ["2027-02-30"]\n', encoding="utf-8")
    env = {"RULES_CONFIG": str(path), "GATEWAY_DATA_DIR": str(tmp_path / "data"),
           "DATABASE_URL": UNREACHABLE}
    result = _cli("serve", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("credit-gateway: configuration error: ")
    assert "extra_holidays" in result.stderr and "2027-02-30" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()
