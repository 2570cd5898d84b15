"""The change feed's tests: an empty archive and feed, and a served gateway with tokens."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)


@pytest.fixture
async def feed_pool(clean_archive: asyncpg.Pool[Any]) -> asyncpg.Pool[Any]:
    """The pool, after emptying the archive and the change feed."""
    await clean_archive.execute("TRUNCATE credit_events, credit_events_pruned RESTART IDENTITY")
    return clean_archive


