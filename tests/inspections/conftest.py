"""Fixtures of the inspection tests: the archive and the inspection tables emptied, the
in-process gateway (access control off) and the served one (on)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
from tests.schema.conftest import client, services  # noqa: F401 (fixtures)
from tests.schema.test_round_trips import counted  # noqa: F401 (the fixture)

TABLES = (
    "inspection_results, inspection_assignments, inspection_draw_entries, "
    "inspection_snapshots, inspection_tasks, inspector_conflicts, inspectors, risk_assessments"
)


@pytest.fixture(autouse=True)
async def empty_inspections(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """The pool, with no inspector, task or risk assessment."""
    await clean_archive.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    return clean_archive
