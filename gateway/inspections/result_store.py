"""SQL of published draws and results: pages of drawn enterprises for several tasks in one
query, the bookkeeping of recorded results, and the overdue results."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from gateway.archive import Queryable


@dataclasses.dataclass(frozen=True, slots=True)
class AssignedInspector:
    id: str
    name: str
    department: str


@dataclasses.dataclass(frozen=True, slots=True)
class PublishedEntry:
    """A drawn enterprise as the task's page shows it."""

    task_id: int
    uscc: str
    name: str | None
    risk_class: str
    inspectors: tuple[AssignedInspector, ...]
    result_recorded: bool


@dataclasses.dataclass(frozen=True, slots=True)
class EntryPageKey:
    task_id: int
    first: int
    after: str | None


async def entry_pages(
    conn: Queryable, keys: Sequence[EntryPageKey]
) -> list[tuple[list[PublishedEntry], bool]]:
    """For each key, a page of the task's drawn enterprises (ascending code) and whether more
    follow; one query for all keys."""
    rows = await conn.fetch(
        """
        SELECT k.ord, p.*
        FROM unnest($1::bigint[], $2::text[], $3::int[])
             WITH ORDINALITY AS k(task_id, after, n, ord)
        CROSS JOIN LATERAL (
            SELECT e.task_id, e.uscc, e.risk_class, n.name,
                   (r.task_id IS NOT NULL) AS result_recorded,
                   (SELECT coalesce(array_agg(ARRAY[i.id, i.name, i.department]
                                              ORDER BY a.position), '{}')
                    FROM inspection_assignments a JOIN inspectors i ON i.id = a.inspector_id
                    WHERE a.task_id = e.task_id AND a.uscc = e.uscc) AS inspectors
            FROM inspection_draw_entries e
            LEFT JOIN enterprises n ON n.uscc = e.uscc
            LEFT JOIN inspection_results r ON r.task_id = e.task_id AND r.uscc = e.uscc
            WHERE e.task_id = k.task_id AND (k.after IS NULL OR e.uscc > k.after)
            ORDER BY e.uscc LIMIT k.n + 1
        ) p
        ORDER BY k.ord, p.uscc
        """,
        [k.task_id for k in keys], [k.after for k in keys], [k.first for k in keys],
    )
    pages: list[list[PublishedEntry]] = [[] for _ in keys]
    for r in rows:
        pages[r["ord"] - 1].append(_entry(r))
    return [(page[: k.first], len(page) > k.first) for page, k in zip(pages, keys, strict=True)]


def _entry(row: Any) -> PublishedEntry:
    inspectors = tuple(AssignedInspector(*triple) for triple in row["inspectors"])
    return PublishedEntry(row["task_id"], row["uscc"], row["name"], row["risk_class"],
                          inspectors, row["result_recorded"])


async def is_drawn_entry(conn: Queryable, task_id: int, uscc: str) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM inspection_draw_entries WHERE task_id = $1 AND uscc = $2", task_id, uscc
    )
    return found is not None


async def save_result(
    conn: Queryable, task_id: int, uscc: str, record_pk: int, inspected_on: dt.date,
    due_on: dt.date, published_on: dt.date,
) -> None:
    """Note a result; a correction keeps the first publication date."""
    await conn.execute(
        """
        INSERT INTO inspection_results (task_id, uscc, record_pk, inspected_on, due_on,
                                        published_on)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (task_id, uscc) DO UPDATE SET record_pk = EXCLUDED.record_pk,
            inspected_on = EXCLUDED.inspected_on, due_on = EXCLUDED.due_on
        """,
        task_id, uscc, record_pk, inspected_on, due_on, published_on,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class OverdueResult:
    task_id: int
    task_name: str
    uscc: str
    enterprise_name: str | None
    due_on: dt.date
    inspected_on: dt.date | None
    published_on: dt.date | None


async def overdue_page(
    conn: Queryable, today: dt.date, first: int, after: tuple[dt.date, int, str] | None
) -> tuple[list[OverdueResult], bool]:
    """Drawn enterprises whose result is unpublished past its due day, or was published after
    it; by due day, task and code."""
    rows = await conn.fetch(
        """
        SELECT * FROM (
            SELECT e.task_id, t.name AS task_name, e.uscc, n.name AS enterprise_name,
                   coalesce(r.due_on, t.results_due_on) AS due_on, r.inspected_on,
                   r.published_on
            FROM inspection_draw_entries e
            JOIN inspection_tasks t ON t.id = e.task_id
            LEFT JOIN inspection_results r ON r.task_id = e.task_id AND r.uscc = e.uscc
            LEFT JOIN enterprises n ON n.uscc = e.uscc
            WHERE (r.task_id IS NULL AND t.results_due_on < $1) OR r.published_on > r.due_on
        ) o
        WHERE $2::date IS NULL OR (o.due_on, o.task_id, o.uscc) > ($2, $3, $4)
        ORDER BY o.due_on, o.task_id, o.uscc LIMIT $5
        """,
        today, *(after or (None, None, None)), first + 1,
    )
    return [OverdueResult(**dict(r)) for r in rows[:first]], len(rows) > first
