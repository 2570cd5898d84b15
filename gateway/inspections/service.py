"""Runs the inspection procedures, each in one transaction: the directory's changes, task
creation with its committed seed, the draw, and the recording of results. A refused step
writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

import asyncpg

from gateway.archive.profile import Stored
from gateway.audit.hook import DecisionHook
from gateway.database import Connection
from gateway.inspections import draw, result_store, results, store, validation
from gateway.inspections.model import (
    Conflict,
    InspectionRefused,
    Inspector,
    InspectorDetails,
    Task,
    TaskSpec,
)
from gateway.inspections.snapshot import PopulationStream, Snapshot, digest, encode_directory
from gateway.records import Inspection, InspectionResult
from gateway.rules.calendar import local_date
from gateway.rules.config import DEFAULT_RULES_CONFIG, RulesConfig
from gateway.rules.publicity import publication_deadline

SEED_BYTES = 32


def _within(codes: Sequence[bytes], pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The conflicts with enterprises of the population (`codes` sorted)."""
    present = set(codes) if pairs else set()
    return [(i, u) for i, u in pairs if u.encode() in present]


@dataclasses.dataclass(frozen=True, slots=True)
class Inspections:
    """The procedures of one bureau (`authority`: the department of the results written)."""

    pool: asyncpg.Pool[Any]
    authority: str
    on_result: DecisionHook | None = None
    """Run in the transaction of each result recorded, before it commits (its audit row)."""
    rules: RulesConfig = DEFAULT_RULES_CONFIG
    """The working-day calendar and rule sets that set publication deadlines."""

    def _deadline(self, event_on: dt.date) -> dt.date:
        """Last day to publish the result of an inspection on `event_on`."""
        return publication_deadline(event_on, calendar=self.rules.calendar,
                                    rules=self.rules.rules)

    async def add_inspector(self, ident: str, details: InspectorDetails, now: dt.datetime
                            ) -> Inspector:
        ident = validation.inspector_id(ident)
        if not await store.insert_inspector(self.pool, ident, details, now):
            raise InspectionRefused(f"id: an inspector {ident} already exists")
        return await self.inspector(ident)

    async def update_inspector(self, ident: str, details: InspectorDetails, now: dt.datetime
                               ) -> Inspector:
        if not await store.update_inspector(self.pool, ident, details, now):
            raise InspectionRefused(f"id: no inspector {ident}")
        return await self.inspector(ident)

    async def set_active(self, ident: str, active: bool, now: dt.datetime) -> Inspector:
        """Let later draws assign the inspector again, or no longer; earlier draws stand."""
        if not await store.set_inspector_active(self.pool, ident, active, now):
            raise InspectionRefused(f"id: no inspector {ident}")
        return await self.inspector(ident)

    async def declare_conflict(self, conflict: Conflict) -> Inspector:
        async with self.pool.acquire() as conn, conn.transaction():
            if not await store.inspector_exists(conn, conflict.inspector_id):
                raise InspectionRefused(f"inspectorId: no inspector {conflict.inspector_id}")
            if not await store.enterprise_exists(conn, conflict.uscc):
                raise InspectionRefused(f"uscc: no enterprise {conflict.uscc} in the archive")
            await store.declare_conflict(conn, conflict)
        return await self.inspector(conflict.inspector_id)

    async def inspector(self, ident: str) -> Inspector:
        found, _ = await store.inspectors_page(
            self.pool, department=None, active=None, ids=[ident], first=1, after=None
        )
        return found[0]

    async def create_task(self, spec: TaskSpec, today: dt.date, now: dt.datetime,
                          by: str | None) -> Task:
        """Store a task with a fresh secret seed; its SHA-256 is public from now on."""
        spec = validation.task_spec(spec, today)
        seed = secrets.token_bytes(SEED_BYTES)
        due = self._deadline(spec.ends_on)
        task_id = await store.insert_task(self.pool, spec, due, seed, digest(seed), now, by)
        return await self.task(task_id)

    async def task(self, task_id: int) -> Task:
        found = await store.task(self.pool, task_id)
        if found is None:
            raise InspectionRefused(f"taskId: no inspection task {task_id}")
        return found

    async def draw(self, task_id: int, today: dt.date, now: dt.datetime, by: str | None
                   ) -> Task:
        """Draw the task's enterprises and inspectors; the seed becomes public."""
        async with self.pool.acquire() as conn, conn.transaction():
            task = await store.task(conn, task_id, lock=True)
            _drawable(task, task_id, today)
            assert task is not None
            seed = await store.secret_seed(conn, task_id)
            ranking, snapshot, encoding = await _snapshot(conn, task, seed)
            draw.check_staffing(snapshot, task.spec.inspectors_per_enterprise)
            entries = draw.assign(seed, ranking.picks(task.spec.ratios), snapshot,
                                  task.spec.inspectors_per_enterprise)
            await store.save_draw(conn, store.DrawWrite(
                task_id, entries, encoding, digest(encoding), ranking.size, now, by))
        return await self.task(task_id)

    async def record_result(
        self, task_id: int, uscc: str, result: InspectionResult, text: str | None,
        inspected_on: dt.date, now: dt.datetime,
    ) -> Stored[Inspection]:
        """Record (or correct) an enterprise's result; it enters the archive at once."""
        today = local_date(now)
        async with self.pool.acquire() as conn, conn.transaction():
            task = await store.task(conn, task_id)
            if task is None:
                raise InspectionRefused(f"taskId: no inspection task {task_id}")
            record = results.result_record(task, uscc, result, text, inspected_on, today)
            if not await result_store.is_drawn_entry(conn, task_id, uscc):
                raise InspectionRefused(f"uscc: {uscc} was not drawn in task {task_id}")
            written = await results.write_result(
                conn, self.authority, record, results.record_id(task_id, uscc), now)
            await result_store.save_result(
                conn, task_id, uscc, int(written.id), inspected_on,
                self._deadline(inspected_on), today)
            if self.on_result is not None:
                await self.on_result(conn, uscc)
        return written


async def _snapshot(
    conn: Connection, task: Task, seed: bytes
) -> tuple[draw.ClassRanking, Snapshot, bytes]:
    """The population ranked as it arrives, the snapshot and its canonical encoding."""
    ranking = draw.ClassRanking(seed)
    stream = PopulationStream()

    async def arrived(chunk: bytes) -> None:
        ranking.add(stream.add(chunk))

    await store.send_population(conn, task.spec.population, arrived)
    lines = stream.data()
    if not stream.rows:
        raise InspectionRefused(f"taskId: the population of task {task.id} is empty")
    inspectors, pairs = await store.directory(conn, task.spec.departments)
    conflicts = _within([u for u, _ in stream.rows], pairs)
    encoding = lines + encode_directory(inspectors, conflicts)
    return ranking, Snapshot(stream.rows, inspectors, conflicts), encoding


def _drawable(task: Task | None, task_id: int, today: dt.date) -> None:
    if task is None:
        raise InspectionRefused(f"taskId: no inspection task {task_id}")
    if task.drawn_at is not None:
        raise InspectionRefused(f"taskId: task {task_id} was already drawn at "
                                f"{task.drawn_at.isoformat()}; a draw is never repeated")
    if task.spec.ends_on < today:
        raise InspectionRefused(f"taskId: the window of task {task_id} ended on "
                                f"{task.spec.ends_on}")
