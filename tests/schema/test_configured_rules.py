"""Rule-set corrections from RULES_CONFIG decide the publicity the profile shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.archive.rows import put_record
from tests.lists.support import DAY, TODAY, enterprise
from tests.repair.test_api import _general
from tests.schema.conftest import client_with_rules, graphql

PUBLICITY = """
query($uscc: USCC!) { enterprise(uscc: $uscc) {
  penalties { id severity publicity { state publicUntil } } } }
"""
SHORTER = """
[[rule_set]]
base = "samr-order107-2025.1"
version = "samr-order107-2025.1-st.1"
general_public_months = 6
"""


@pytest.fixture
async def corrected(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    path = tmp_path / "rules.toml"
    path.write_text(SHORTER, "utf-8")
    async with client_with_rules(clean_archive, database_url, path) as client:
        yield client


async def _states(client: httpx.AsyncClient, uscc: str) -> list[str]:
    body = await graphql(client, PUBLICITY, {"uscc": uscc})
    assert "errors" not in body, body
    return [p["publicity"]["state"] for p in body["data"]["enterprise"]["penalties"]]


async def test_a_shorter_configured_period_ends_publicity_in_the_profile(
    corrected: httpx.AsyncClient, client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 14)
    await put_record(clean_archive, _general(uscc, "汕市监罚〔2026〕51号", TODAY - 240 * DAY))
    assert await _states(client, uscc) == ["PUBLIC"]  # the built-in year
    assert await _states(corrected, uscc) == ["ENDED"]  # six months
