"""The in-process gateway of the schema tests (access control off), the served one with
access control on, and empty key-supervision tables for each test."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
from tests.schema.conftest import client, services  # noqa: F401 (fixtures)


@pytest.fixture
async def clean(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """The pool, with the archive, the risk classes and the list emptied (typical cases go
    with the records they reference)."""
    await clean_archive.execute(
        "TRUNCATE key_supervision_events, key_supervision_entries, risk_assessments "
        "RESTART IDENTITY CASCADE"
    )
    return clean_archive
