"""The demo's supervision set-up once its sources are synced: every enterprise's risk class,
the key-supervision list, and an inspector directory (with one declared conflict) so that a
supervisor can create and draw an inspection task at once."""

from __future__ import annotations

import dataclasses
from typing import Any

import asyncpg

from adapters.demo.inspectors import demo_inspectors
from gateway.clock import utcnow
from gateway.inspections import store as inspections
from gateway.inspections.model import Conflict, InspectorDetails
from gateway.lifecycle import load_rule_sets
from gateway.risk.config import configured_models
from gateway.risk.recompute import recompute_all
from gateway.rules.calendar import local_date
from gateway.settings import Settings
from gateway.supervision.config import load_config
from gateway.supervision.refresh import refresh_all

CONFLICT_REASON = "配偶在该企业任职（演示数据）"


@dataclasses.dataclass(frozen=True, slots=True)
class SupervisionSetUp:
    classes: dict[str, int]
    key_supervised: int
    inspectors: int
    conflicted: str
    """The inspector who declared a conflict with the sample enterprise."""


async def set_up_supervision(
    pool: asyncpg.Pool[Any], settings: Settings, seed: int, sample: str
) -> SupervisionSetUp:
    """Assess everyone, derive the key-supervision list and fill the inspector directory
    (inspectors already there are kept as they are)."""
    report = await recompute_all(pool, configured_models(settings.risk_models),
                                 rules=load_rule_sets(settings).rules)
    now = utcnow()
    listed = await refresh_all(pool, local_date(now), load_config(settings.supervision_rules))
    directory = demo_inspectors(seed)
    async with pool.acquire() as conn, conn.transaction():
        for i in directory:
            if await inspections.inspector_exists(conn, i.id):
                continue
            details = InspectorDetails(i.name, i.department, i.division, i.qualifications)
            await inspections.insert_inspector(conn, i.id, details, now)
        await inspections.declare_conflict(
            conn, Conflict(directory[0].id, sample, CONFLICT_REASON, now))
    return SupervisionSetUp(report.classes, listed.derived, len(directory), directory[0].id)
