"""SQL of the inspection domain: the inspector directory, tasks, the population a draw is made
from, the stored draw and snapshot, and the results' bookkeeping."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Coroutine, Sequence
from decimal import Decimal
from typing import Any

import asyncpg

from gateway.archive import Queryable
from gateway.database import Connection
from gateway.inspections.model import (
    Conflict,
    DrawnEntry,
    Inspector,
    InspectorDetails,
    PopulationFilter,
    Ratios,
    Task,
    TaskSpec,
)
from gateway.records import EnterpriseStatus, KeyArea

MAX_FIRST = 100

# ---- inspectors ---------------------------------------------------------------------------


async def insert_inspector(
    conn: Queryable, ident: str, details: InspectorDetails, now: dt.datetime
) -> bool:
    """Add an inspector; False when the id is taken."""
    try:
        await conn.execute(
            "INSERT INTO inspectors (id, name, department, division, qualifications, active,"
            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, true, $6, $6)",
            ident, details.name, details.department, details.division,
            list(details.qualifications), now,
        )
    except asyncpg.UniqueViolationError:
        return False
    return True


async def update_inspector(
    conn: Queryable, ident: str, details: InspectorDetails, now: dt.datetime
) -> bool:
    """Replace an inspector's details; False when there is no such inspector."""
    status: str = await conn.execute(
        "UPDATE inspectors SET name = $2, department = $3, division = $4, qualifications = $5,"
        " updated_at = $6 WHERE id = $1",
        ident, details.name, details.department, details.division,
        list(details.qualifications), now,
    )
    return status != "UPDATE 0"


async def set_inspector_active(
    conn: Queryable, ident: str, active: bool, now: dt.datetime
) -> bool:
    """Activate or deactivate an inspector; False when there is no such inspector."""
    status: str = await conn.execute(
        "UPDATE inspectors SET active = $3, updated_at = $2 WHERE id = $1", ident, now, active
    )
    return status != "UPDATE 0"


async def declare_conflict(conn: Queryable, conflict: Conflict) -> None:
    """Record a conflict (a repeated declaration replaces the reason)."""
    await conn.execute(
        "INSERT INTO inspector_conflicts (inspector_id, uscc, reason, declared_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (inspector_id, uscc)"
        " DO UPDATE SET reason = EXCLUDED.reason, declared_at = EXCLUDED.declared_at",
        conflict.inspector_id, conflict.uscc, conflict.reason, conflict.declared_at,
    )


async def inspectors_page(
    conn: Queryable, *, department: str | None, active: bool | None, ids: Sequence[str] | None,
    first: int, after: str | None,
) -> tuple[list[Inspector], bool]:
    """Inspectors by id, with their conflicts (two queries); and whether more follow."""
    rows = await conn.fetch(
        "SELECT * FROM inspectors WHERE ($1::text IS NULL OR department = $1)"
        " AND ($2::boolean IS NULL OR active = $2) AND ($3::text[] IS NULL OR id = ANY($3))"
        " AND ($4::text IS NULL OR id > $4) ORDER BY id LIMIT $5",
        department, active, None if ids is None else list(ids), after, first + 1,
    )
    more = len(rows) > first
    rows = rows[:first]
    conflicts = await conn.fetch(
        "SELECT * FROM inspector_conflicts WHERE inspector_id = ANY($1)"
        " ORDER BY inspector_id, uscc",
        [r["id"] for r in rows],
    )
    by_inspector: dict[str, list[Conflict]] = {}
    for c in conflicts:
        by_inspector.setdefault(c["inspector_id"], []).append(
            Conflict(c["inspector_id"], c["uscc"], c["reason"], c["declared_at"]))
    return [_inspector(r, by_inspector.get(r["id"], [])) for r in rows], more


def _inspector(row: Any, conflicts: Sequence[Conflict]) -> Inspector:
    details = InspectorDetails(row["name"], row["department"], row["division"],
                               tuple(row["qualifications"]))
    return Inspector(row["id"], details, row["active"], tuple(conflicts))


async def inspector_exists(conn: Queryable, ident: str) -> bool:
    found = await conn.fetchval("SELECT 1 FROM inspectors WHERE id = $1", ident)
    return found is not None


async def enterprise_exists(conn: Queryable, uscc: str) -> bool:
    found = await conn.fetchval("SELECT 1 FROM enterprises WHERE uscc = $1", uscc)
    return found is not None


async def directory(
    conn: Queryable, departments: Sequence[str]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The eligible inspectors of a draw (active, in `departments`) and their conflicts."""
    ids = await conn.fetch(
        "SELECT id FROM inspectors WHERE active AND department = ANY($1) ORDER BY id",
        list(departments),
    )
    pairs = await conn.fetch(
        "SELECT c.inspector_id, c.uscc FROM inspector_conflicts c JOIN inspectors i"
        " ON i.id = c.inspector_id WHERE i.active AND i.department = ANY($1)"
        " ORDER BY c.inspector_id, c.uscc",
        list(departments),
    )
    return [r["id"] for r in ids], [(r["inspector_id"], r["uscc"]) for r in pairs]


# ---- tasks --------------------------------------------------------------------------------

async def insert_task(
    conn: Queryable, spec: TaskSpec, due: dt.date, seed: bytes, commitment: bytes,
    now: dt.datetime, by: str | None,
) -> int:
    pop, r = spec.population, spec.ratios
    task_id: int = await conn.fetchval(
        """
        INSERT INTO inspection_tasks (name, departments, check_items, division, key_area,
            industry_prefix, statuses, ratio_a, ratio_b, ratio_c, ratio_d,
            inspectors_per_enterprise, starts_on, ends_on, results_due_on, seed, commitment,
            created_at, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                $18, $19)
        RETURNING id
        """,
        spec.name, list(spec.departments), list(spec.check_items), pop.division,
        None if pop.key_area is None else pop.key_area.value, pop.industry_prefix,
        [s.value for s in pop.statuses], r.a, r.b, r.c, r.d, spec.inspectors_per_enterprise,
        spec.starts_on, spec.ends_on, due, seed, commitment, now, by,
    )
    return task_id


def _task(row: Any) -> Task:
    population = PopulationFilter(
        division=row["division"],
        key_area=None if row["key_area"] is None else KeyArea(row["key_area"]),
        industry_prefix=row["industry_prefix"],
        statuses=tuple(EnterpriseStatus(s) for s in row["statuses"]),
    )
    ratios = Ratios(*(Decimal(row[f"ratio_{c}"]) for c in "abcd"))
    spec = TaskSpec(row["name"], tuple(row["departments"]), tuple(row["check_items"]),
                    population, ratios, row["inspectors_per_enterprise"], row["starts_on"],
                    row["ends_on"])
    return Task(
        id=row["id"], spec=spec, results_due_on=row["results_due_on"],
        commitment=bytes(row["commitment"]), created_at=row["created_at"],
        drawn_at=row["drawn_at"], seed=None if row["seed"] is None else bytes(row["seed"]),
        snapshot_hash=None if row["snapshot_hash"] is None else bytes(row["snapshot_hash"]),
        population_size=row["population_size"], drawn_count=row["drawn_count"],
    )


async def task(conn: Queryable, task_id: int, *, lock: bool = False) -> Task | None:
    """The task; with `lock`, its row stays locked until the transaction ends."""
    if lock:
        await conn.execute("SELECT 1 FROM inspection_tasks WHERE id = $1 FOR UPDATE", task_id)
    row = await conn.fetchrow("SELECT * FROM inspection_task_view WHERE id = $1", task_id)
    return None if row is None else _task(row)


async def tasks_page(conn: Queryable, first: int, after: int | None) -> tuple[list[Task], bool]:
    """Tasks newest first."""
    rows = await conn.fetch(
        "SELECT * FROM inspection_task_view WHERE ($1::bigint IS NULL OR id < $1)"
        " ORDER BY id DESC LIMIT $2",
        after, first + 1,
    )
    return [_task(r) for r in rows[:first]], len(rows) > first


async def secret_seed(conn: Connection, task_id: int) -> bytes:
    seed: bytes = await conn.fetchval("SELECT seed FROM inspection_tasks WHERE id = $1", task_id)
    return bytes(seed)


# ---- the draw -----------------------------------------------------------------------------

# An enterprise without an assessment counts as class B (model.DEFAULT_CLASS).
POPULATION = """
SELECT 'E', e.uscc, coalesce(r.risk_class, 'B')
FROM enterprises e LEFT JOIN risk_assessments r ON r.uscc = e.uscc
WHERE e.status = ANY($1::text[])
  AND ($2::text IS NULL OR e.division LIKE $2 || '%')
  AND ($3::text IS NULL OR e.key_areas @> ARRAY[$3::text])
  AND ($4::text IS NULL OR e.industry LIKE $4 || '%')
ORDER BY e.uscc
"""


async def send_population(
    conn: Connection, pop: PopulationFilter, sink: Callable[[bytes], Coroutine[Any, Any, None]]
) -> None:
    """Send the population's E lines of the snapshot, as the database writes them (COPY CSV),
    to `sink` chunk by chunk. Run inside the draw's transaction."""
    # Rows in code order straight from the primary keys (a merge join, no sort): they stream
    # from the first row on, so the draw hashes them while the rest are read.
    await conn.execute("SET LOCAL enable_sort = off")
    # Prefixes are checked to be digits or a letter and digits: nothing LIKE treats specially.
    await conn.copy_from_query(
        POPULATION, [s.value for s in pop.statuses], pop.division,
        None if pop.key_area is None else pop.key_area.value, pop.industry_prefix,
        output=sink, format="csv",
    )
    await conn.execute("RESET enable_sort")


@dataclasses.dataclass(frozen=True, slots=True)
class DrawWrite:
    task_id: int
    entries: Sequence[DrawnEntry]
    snapshot: bytes
    snapshot_hash: bytes
    population_size: int
    at: dt.datetime
    by: str | None


async def save_draw(conn: Connection, draw: DrawWrite) -> None:
    await conn.execute(
        "UPDATE inspection_tasks SET drawn_at = $2, drawn_by = $3, snapshot_hash = $4,"
        " population_size = $5, drawn_count = $6 WHERE id = $1",
        draw.task_id, draw.at, draw.by, draw.snapshot_hash, draw.population_size,
        len(draw.entries),
    )
    await conn.execute("INSERT INTO inspection_snapshots (task_id, encoding) VALUES ($1, $2)",
                       draw.task_id, draw.snapshot)
    await conn.copy_records_to_table(
        "inspection_draw_entries",
        records=[(draw.task_id, e.uscc, e.risk_class, e.class_rank, e.by_floor)
                 for e in draw.entries],
        columns=["task_id", "uscc", "risk_class", "class_rank", "by_floor"],
    )
    await conn.copy_records_to_table(
        "inspection_assignments",
        records=[(draw.task_id, e.uscc, n, i) for e in draw.entries
                 for n, i in enumerate(e.inspectors)],
        columns=["task_id", "uscc", "position", "inspector_id"],
    )


async def stored_snapshot(conn: Queryable, task_id: int) -> bytes | None:
    data = await conn.fetchval("SELECT encoding FROM inspection_snapshots WHERE task_id = $1",
                               task_id)
    return None if data is None else bytes(data)


async def stored_draw(conn: Queryable, task_id: int) -> list[DrawnEntry]:
    """Every drawn entry of the task with its inspectors, ascending code."""
    rows = await conn.fetch(
        """
        SELECT e.uscc, e.risk_class, e.class_rank, e.by_floor,
               coalesce(array_agg(a.inspector_id ORDER BY a.position)
                        FILTER (WHERE a.inspector_id IS NOT NULL), '{}') AS inspectors
        FROM inspection_draw_entries e
        LEFT JOIN inspection_assignments a ON a.task_id = e.task_id AND a.uscc = e.uscc
        WHERE e.task_id = $1 GROUP BY e.uscc, e.risk_class, e.class_rank, e.by_floor
        ORDER BY e.uscc
        """,
        task_id,
    )
    return [DrawnEntry(r["uscc"], r["risk_class"], r["class_rank"], r["by_floor"],
                       tuple(r["inspectors"])) for r in rows]
