"""Commitments tests: the in-process gateway (access control off: a supervisor with every
scope) and the served one with access control and audit on. Memberships are emptied with
the archive (the commitment tables empty with `records`)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
from tests.schema.conftest import client, services  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
async def no_members(clean_archive: asyncpg.Pool[Any]) -> None:
    await clean_archive.execute("TRUNCATE association_members, clients")
