"""Listing tasks with their drawn enterprises costs the same statements for one task as for
many (no N+1)."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.inspections.support import created_and_drawn, enterprises, inspectors
from tests.schema.test_round_trips import Counted

TASKS = """
query { inspectionTasks(first: 10) { nodes { id commitment
  enterprises(first: 5) { edges { node { uscc name riskClass resultRecorded
                                         inspectors { id name } } } } } } }
"""


async def test_tasks_and_their_drawn_enterprises_load_in_fixed_statements(
    client: httpx.AsyncClient, empty_inspections: asyncpg.Pool[Any], counted: Counted
) -> None:
    await enterprises(empty_inspections, "BBBB")
    await inspectors(empty_inspections, 3)
    await created_and_drawn(client)
    await counted.count(TASKS, {})  # a new connection first looks up the array types
    one = await counted.count(TASKS, {})
    for _ in range(3):
        await created_and_drawn(client)
    assert await counted.count(TASKS, {}) == one == 2
