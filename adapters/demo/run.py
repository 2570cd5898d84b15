"""Start the demo department systems: one of every connector kind, filled with the data set.

- registration: the exchange table `djzc_qyjbxx` in the PostgreSQL database `exchange_dsn`;
- licensing: an HTTP system (licences and credit commitments) that wants an `X-Api-Key`;
- enforcement: penalty CSV files and list-entry JSON-lines files in `<data_dir>/drops`;
- inspection: an HTTP system (inspections and product sampling).

The environment variables in `DemoSources.env` point the example configuration
(adapters/examples/sources.toml) at them.
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path
from typing import Any

import asyncpg

from adapters.demo import build, store
from adapters.demo.generator import Generator
from adapters.demo.http_source import DepartmentSystem
from adapters.demo.layout import COMMITMENTS, INSPECTIONS, LICENCES, SAMPLINGS
from adapters.demo.servers import ServersProcess

CONFIG_PATH = Path(__file__).resolve().parent.parent / "examples" / "sources.toml"
"""The example configuration of the four department sources."""
_BUILD_LOCK = "credit-gateway demo data set"


@dataclasses.dataclass
class DemoSources:
    """The running demo systems."""

    env: dict[str, str]
    """DEMO_EXCHANGE_DSN, DEMO_LICENSING_URL, DEMO_LICENSING_KEY, DEMO_INSPECTION_URL and
    DEMO_DROP_DIR: what the example configuration needs."""
    config_path: Path
    sample_usccs: list[str]
    """Codes worth showing: enterprises with licences, penalties, inspections and list
    entries (the best documented first)."""
    data_dir: Path
    manifest: build.Manifest
    servers: ServersProcess

    @property
    def ground_truth_path(self) -> Path:
        """CSV of (uscc, synthetic risk): for evaluating a risk model, never in a source."""
        return self.data_dir / build.GROUND_TRUTH

    @property
    def faults_path(self) -> Path:
        """CSV of the deliberately faulty rows, per source and feed."""
        return self.data_dir / build.FAULTS

    async def stop(self) -> None:
        """Stop the HTTP systems (the database and the files stay for the next start)."""
        await self.servers.stop()


async def start_demo_sources(
    data_dir: Path,
    exchange_dsn: str,
    enterprises: int,
    seed: int = 2026,
    *,
    workers: int | None = None,
    flaky_every: int = 0,
    progress: build.Progress | None = None,
    ports: tuple[int, int] = (0, 0),
) -> DemoSources:
    """Generate the data set (unless `data_dir` and the database already hold it), load it,
    and start the HTTP systems on 127.0.0.1 in a child process (`ports`: licensing,
    inspection; 0 = any free).

    `flaky_every = n` makes every n-th inspection request answer 503 (0 = never)."""
    Generator(seed, enterprises)  # refuses a bad size or seed before anything is touched
    if not exchange_dsn:
        raise ValueError("exchange_dsn is empty")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    manifest = await _ensure_data_set(data_dir, exchange_dsn, enterprises, seed, workers, progress)
    key = secrets.token_urlsafe(18)
    licensing = DepartmentSystem(exchange_dsn, (LICENCES, COMMITMENTS), api_key=key)
    inspection = DepartmentSystem(exchange_dsn, (INSPECTIONS, SAMPLINGS), flaky_every=flaky_every)
    servers = ServersProcess([(licensing.app, ports[0]), (inspection.app, ports[1])])
    licensing_url, inspection_url = await servers.start()
    env = {
        "DEMO_EXCHANGE_DSN": exchange_dsn,
        "DEMO_LICENSING_URL": licensing_url,
        "DEMO_LICENSING_KEY": key,
        "DEMO_INSPECTION_URL": inspection_url,
        "DEMO_DROP_DIR": str((data_dir / "drops").resolve()),
    }
    return DemoSources(env, CONFIG_PATH, list(manifest.samples), data_dir, manifest, servers)


async def _ensure_data_set(data_dir: Path, dsn: str, enterprises: int, seed: int,
                           workers: int | None, progress: build.Progress | None) -> build.Manifest:
    conn: asyncpg.Connection[Any] = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", _BUILD_LOCK)
        manifest = build.Manifest.load(data_dir / build.MANIFEST)
        loaded = await store.loaded_dataset(conn)
        if manifest is not None and build.is_current(manifest, loaded, data_dir / "drops",
                                                     seed, enterprises):
            if progress is not None:
                progress(enterprises, enterprises)
            return manifest
        return await build.build(conn, data_dir, seed, enterprises, workers=workers,
                                 progress=progress)
    finally:
        await conn.close()
