"""Verification of a stored draw: the published seed against its commitment, the stored
snapshot against its hash, and the stored draw against the draw re-derived from both."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gateway.archive import Queryable
from gateway.inspections import draw, store
from gateway.inspections.model import DrawnEntry, InspectionRefused, Task
from gateway.inspections.snapshot import SnapshotError, digest, parse

_SHOWN = 50
"""Differences of the draw listed one by one; the rest are counted."""


@dataclasses.dataclass(frozen=True, slots=True)
class VerifyReport:
    task_id: int
    drawn: int
    differences: list[str]

    @property
    def matches(self) -> bool:
        return not self.differences


def compare(stored: Sequence[DrawnEntry], derived: Sequence[DrawnEntry]) -> list[str]:
    """Every difference between the stored draw and the re-derived one, by code."""
    have = {e.uscc: e for e in stored}
    want = {e.uscc: e for e in derived}
    found = []
    for uscc in sorted(have.keys() | want.keys()):
        s, d = have.get(uscc), want.get(uscc)
        if d is None:
            found.append(f"{uscc}: in the stored draw, but not drawn by the seed")
        elif s is None:
            found.append(f"{uscc}: drawn by the seed, but missing from the stored draw")
        elif (s.risk_class, s.class_rank, s.by_floor) != (d.risk_class, d.class_rank, d.by_floor):
            found.append(f"{uscc}: stored as class {s.risk_class} rank {s.class_rank}"
                         f"{' (floor)' if s.by_floor else ''}, derived class {d.risk_class} "
                         f"rank {d.class_rank}{' (floor)' if d.by_floor else ''}")
        elif s.inspectors != d.inspectors:
            found.append(f"{uscc}: inspectors stored {', '.join(s.inspectors)}; derived "
                         f"{', '.join(d.inspectors)}")
    return found


def check(task: Task, seed: bytes, snapshot: bytes | None,
          stored: Sequence[DrawnEntry]) -> list[str]:
    """The differences found in a drawn task (empty: it verifies)."""
    problems = []
    if digest(seed) != task.commitment:
        problems.append(f"seed: its SHA-256 {digest(seed).hex()} is not the commitment "
                        f"{task.commitment.hex()} published before the draw")
    if snapshot is None:
        return [*problems, "snapshot: none is stored"]
    if digest(snapshot) != task.snapshot_hash:
        published = "none" if task.snapshot_hash is None else task.snapshot_hash.hex()
        problems.append(f"snapshot: its SHA-256 {digest(snapshot).hex()} is not the "
                        f"published snapshot hash {published}")
    try:
        parsed = parse(snapshot)
        derived = draw.derive(seed, parsed, task.spec.ratios,
                              task.spec.inspectors_per_enterprise)
    except (SnapshotError, InspectionRefused) as e:
        return [*problems, f"snapshot: the draw cannot be re-derived from it: {e}"]
    if len(parsed.population) != task.population_size:
        problems.append(f"snapshot: {len(parsed.population)} enterprises, the task recorded "
                        f"{task.population_size}")
    differences = compare(stored, derived)
    shown = differences[:_SHOWN]
    if len(differences) > _SHOWN:
        shown.append(f"... and {len(differences) - _SHOWN} more differences of the draw")
    return problems + shown


async def verify_task(conn: Queryable, task_id: int) -> VerifyReport:
    """Re-derive task `task_id`'s draw from what is stored and published."""
    task = await store.task(conn, task_id)
    if task is None:
        raise InspectionRefused(f"no inspection task {task_id}")
    if task.seed is None:
        raise InspectionRefused(f"task {task_id} has not been drawn: nothing to verify")
    snapshot = await store.stored_snapshot(conn, task_id)
    stored = await store.stored_draw(conn, task_id)
    return VerifyReport(task_id, len(stored), check(task, task.seed, snapshot, stored))


async def verify_command(conn: Queryable, task_id: int) -> int:
    """`credit-gateway draw verify`: print the outcome; 0 when the draw matches, else 1."""
    try:
        report = await verify_task(conn, task_id)
    except InspectionRefused as e:
        print(f"task {task_id}: {e}")
        return 1
    if report.matches:
        print(f"task {task_id}: the draw of {report.drawn} enterprises matches the published "
              f"seed and the stored snapshot")
        return 0
    print(f"task {task_id}: the draw does NOT verify ({len(report.differences)} problems):")
    for difference in report.differences:
        print(f"  {difference}")
    return 1
