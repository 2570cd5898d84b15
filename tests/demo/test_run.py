"""start_demo_sources end to end: generate, load, serve, sync through the gateway, restart."""

from __future__ import annotations

import fnmatch
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from adapters.config import load_sources_config
from adapters.demo import DemoSources, start_demo_sources
from adapters.demo.build import GROUND_TRUTH, MANIFEST
from adapters.demo.drops import PART_SUFFIX
from adapters.demo.run import CONFIG_PATH
from gateway.archive.profile import load_profiles
from gateway.keyareas import DEFAULT_RULES
from gateway.sync import sync_all
from gateway.uscc import is_valid

ENTERPRISES = 600


async def _loaded_at(dsn: str) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval("SELECT loaded_at FROM demo.dataset")
    finally:
        await conn.close()


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _faults_by_source(demo: DemoSources) -> Counter[str]:
    lines = demo.faults_path.read_text("utf-8").splitlines()[1:]
    return Counter(line.split(",")[0] for line in lines)


async def test_the_demo_systems_serve_a_data_set_the_gateway_syncs(
    tmp_path: Path, new_database: str, clean_archive: asyncpg.Pool[Any]
) -> None:
    progress: list[tuple[int, int]] = []
    demo = await start_demo_sources(tmp_path / "demo", new_database, ENTERPRISES, seed=7,
                                    flaky_every=5, progress=lambda d, n: progress.append((d, n)))
    try:
        assert progress[-1] == (ENTERPRISES, ENTERPRISES)
        assert set(demo.env) == {"DEMO_EXCHANGE_DSN", "DEMO_LICENSING_URL", "DEMO_LICENSING_KEY",
                                 "DEMO_INSPECTION_URL", "DEMO_DROP_DIR"}
        assert demo.config_path == CONFIG_PATH and CONFIG_PATH.is_file()
        assert demo.sample_usccs and all(is_valid(code) for code in demo.sample_usccs)
        truths = demo.ground_truth_path.read_text("utf-8").splitlines()
        assert truths[0] == "uscc,risk" and len(truths) == ENTERPRISES + 1
        drops = Path(demo.env["DEMO_DROP_DIR"])
        names = _names(drops)
        assert names and not any(n.endswith(PART_SUFFIX) for n in names)
        assert all(fnmatch.fnmatch(n, "xzcf-*.csv") or fnmatch.fnmatch(n, "mdxx-*.jsonl")
                   for n in names)

        config = load_sources_config(demo.config_path, demo.env)
        reports = await sync_all(clean_archive, config, DEFAULT_RULES)
        assert [r.error for r in reports] == [None] * 4
        quarantined = Counter(dict(await clean_archive.fetch(
            "SELECT source, count(*) FROM quarantine GROUP BY source")))
        assert quarantined == _faults_by_source(demo)
        counts = demo.manifest.counts
        registered = await clean_archive.fetchval("SELECT count(*) FROM enterprises")
        assert registered == counts["djzc_qyjbxx"] - quarantined["registration"]
        sample = demo.sample_usccs[0]
        kinds = {r["kind"] for r in await clean_archive.fetch(
            "SELECT DISTINCT kind FROM records WHERE uscc = $1", sample)}
        assert {"REGISTRATION", "LICENSE", "PENALTY", "LISTING", "INSPECTION"} <= kinds
        await _personal_data_arrived(clean_archive, new_database, registered)
    finally:
        await demo.stop()


async def _personal_data_arrived(archive: asyncpg.Pool[Any], exchange_dsn: str,
                                 registered: int) -> None:
    """Every archived registration carries the identity number and phone of its source row
    (an empty phone as no phone), and reads back through the profile."""
    conn = await asyncpg.connect(exchange_dsn)
    try:
        source = {str(r["nbxh"]): (r["fddbrzjhm"], r["lxdh"] or None) for r in await conn.fetch(
            "SELECT nbxh, fddbrzjhm, lxdh FROM djzc_qyjbxx")}
    finally:
        await conn.close()
    archived = await archive.fetch(
        "SELECT uscc, record_id, payload FROM records WHERE kind = 'REGISTRATION'")
    assert len(archived) == registered
    for row in archived:
        payload = row["payload"]
        assert (payload["legal_representative_id_number"],
                payload.get("contact_phone")) == source[row["record_id"]]
    without_phone = [r["uscc"] for r in archived if "contact_phone" not in r["payload"]]
    with_phone = [r["uscc"] for r in archived if "contact_phone" in r["payload"]]
    assert without_phone and with_phone
    profiles = await load_profiles(archive, [without_phone[0], with_phone[0]])
    assert profiles[without_phone[0]].registration.record.contact_phone is None
    registration = profiles[with_phone[0]].registration.record
    assert registration.contact_phone and registration.legal_representative_id_number


async def test_a_restart_reuses_the_data_set_and_a_new_size_rebuilds_it(
    tmp_path: Path, new_database: str
) -> None:
    data_dir = tmp_path / "demo"
    demo = await start_demo_sources(data_dir, new_database, 300, seed=3)
    await demo.stop()
    built = (data_dir / MANIFEST).stat().st_mtime_ns
    loaded_at = await _loaded_at(new_database)

    again = await start_demo_sources(data_dir, new_database, 300, seed=3)
    await again.stop()
    assert (data_dir / MANIFEST).stat().st_mtime_ns == built
    assert await _loaded_at(new_database) == loaded_at
    assert again.sample_usccs == demo.sample_usccs
    assert again.env["DEMO_LICENSING_KEY"] != demo.env["DEMO_LICENSING_KEY"]

    bigger = await start_demo_sources(data_dir, new_database, 400, seed=3)
    await bigger.stop()
    assert bigger.manifest.enterprises == 400
    assert await _loaded_at(new_database) != loaded_at
    drops = Path(bigger.env["DEMO_DROP_DIR"])
    assert all("-3-400-" in name for name in _names(drops))
    assert len((data_dir / GROUND_TRUTH).read_text("utf-8").splitlines()) == 401


@pytest.mark.parametrize(
    ("enterprises", "dsn", "message"),
    [(0, "postgresql://x@127.0.0.1/x", "enterprises"), (10, "", "exchange_dsn")],
)
async def test_bad_arguments_touch_nothing(tmp_path: Path, enterprises: int, dsn: str,
                                           message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await start_demo_sources(tmp_path / "demo", dsn, enterprises)
    assert not (tmp_path / "demo").exists()


async def test_an_interrupted_build_leaves_nothing_that_looks_complete(
    tmp_path: Path, new_database: str
) -> None:
    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    data_dir = tmp_path / "demo"
    with pytest.raises(KeyboardInterrupt):
        # 1500 enterprises fill whole drop files before the interruption
        await start_demo_sources(data_dir, new_database, 1500, progress=interrupt)
    assert not (data_dir / MANIFEST).exists()
    assert not list(data_dir.rglob("*" + PART_SUFFIX))
    assert _names(data_dir / "drops") == []
    conn = await asyncpg.connect(new_database)
    try:
        assert await conn.fetchval("SELECT count(*) FROM demo.dataset") == 0
    finally:
        await conn.close()
    demo = await start_demo_sources(data_dir, new_database, 300)
    await demo.stop()
    assert (data_dir / MANIFEST).exists()
