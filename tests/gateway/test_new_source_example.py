"""The README's worked example of connecting a new department source works as written."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import asyncpg

from adapters.config import load_sources_config
from gateway.keyareas import DEFAULT_RULES
from gateway.sync import sync_source
from tests.archive.rows import put_record, registration

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


async def test_special_equipment_example(clean_archive: asyncpg.Pool[Any], tmp_path: Path) -> None:
    drops = tmp_path / "tzsb"
    drops.mkdir()
    shutil.copy(EXAMPLES / "tzsb-2024-03.csv", drops / "tzsb-2024-03.csv")
    (drops / "tzsb-2024-04.csv.part").write_text("still being written", encoding="utf-8")
    config = load_sources_config(EXAMPLES / "special-equipment.toml", {"TZSB_DROP_DIR": str(drops)})
    # The example names no registration source; the holder is registered already.
    await put_record(
        clean_archive, registration("91440515MA4UQ8XN9W", "汕头市澄海区锅炉厂", industry="C2451")
    )
    report = await sync_source(clean_archive, config.sources[0], DEFAULT_RULES)
    assert (report.rows, report.result.inserted, report.result.quarantined) == (2, 1, 1)
    licence = await clean_archive.fetchrow(
        "SELECT department, payload FROM records WHERE kind = 'LICENSE'"
    )
    assert licence is not None
    assert licence["department"] == "汕头市市场监督管理局特种设备安全监察科"
    assert licence["payload"]["number"] == "TS2244051-2024"
    assert licence["payload"]["valid_until"] == "2028-02-29"
    areas = await clean_archive.fetchval(
        "SELECT key_areas FROM enterprises WHERE uscc = '91440515MA4UQ8XN9W'"
    )
    assert areas == ["SPECIAL_EQUIPMENT_PRODUCTION"]
    position, reason = await clean_archive.fetchrow("SELECT position, reason FROM quarantine")
    assert position == "tzsb-2024-03.csv:3"
    assert reason == 'invalid USCC "91440515MA4UQ8XN9X": wrong check character'
