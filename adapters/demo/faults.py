"""Deliberately faulty rows, a few per source, so the gateway's quarantine has work to show.

Every FAULT_PERIOD-th enterprise (at an offset of its own per source, so 0.2 % of enterprises
per source) carries one fault in that source; the source's kinds of fault take turns. At 2,000
enterprises that is four faulty rows per source. The faulty value is chosen so that a correct
mapping of adapters/examples/sources.toml must quarantine the row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from adapters.demo.codes import spoil_check
from adapters.demo.context import Chunk, Context, Enterprise, Fault, Row
from adapters.demo.layout import (
    COMMITMENTS,
    INSPECTIONS,
    LICENCES,
    LISTINGS,
    PENALTIES,
    REGISTRATIONS,
    SAMPLINGS,
    Feed,
)

FAULT_PERIOD = 500


@dataclasses.dataclass(frozen=True, slots=True)
class FaultKind:
    """How one column of one feed is spoilt."""

    feed: Feed
    column: str
    problem: str
    spoil: Callable[[Any], Any]


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _: value


def _bad_day(suffix: str) -> Callable[[Any], Any]:
    """Keeps the year of an ISO or compact date, replaces month and day with an impossible one."""
    return lambda value: str(value)[:4] + suffix


KINDS: dict[str, tuple[FaultKind, ...]] = {
    "registration": (
        FaultKind(REGISTRATIONS, "tyshxydm", "wrong check character", spoil_check),
        FaultKind(REGISTRATIONS, "clrq", "impossible date", _bad_day("0230")),
        FaultKind(REGISTRATIONS, "djzt", "status not in the mapping", _constant("待核实")),
        FaultKind(REGISTRATIONS, "qymc", "missing name", _constant(None)),
    ),
    "licensing": (
        FaultKind(LICENCES, "tyshxydm", "wrong check character", spoil_check),
        FaultKind(LICENCES, "yxqzz", "impossible date", _bad_day("-02-30")),
        FaultKind(LICENCES, "zt", "status not in the mapping", _constant("待审核")),
        FaultKind(COMMITMENTS, "hczt", "status not in the mapping", _constant("待定")),
    ),
    "enforcement": (
        FaultKind(PENALTIES, "fkje", "unparseable amount", _constant("五千元")),
        FaultKind(PENALTIES, "cfjdrq", "impossible date", _bad_day("-13-01")),
        FaultKind(LISTINGS, "mdlx", "list kind not in the mapping", _constant("黑名单")),
        FaultKind(PENALTIES, "cfjdswh", "missing decision number", _constant(None)),
        FaultKind(LISTINGS, "qymc", "missing enterprise name", _constant(None)),
    ),
    "inspection": (
        FaultKind(INSPECTIONS, "jcrq", "impossible date", _bad_day("-02-30")),
        FaultKind(INSPECTIONS, "jcjg", "result not in the mapping", _constant("待定")),
        FaultKind(SAMPLINGS, "jyjl", "result not in the mapping", _constant("基本合格")),
        FaultKind(INSPECTIONS, "tyshxydm", "wrong check character", spoil_check),
    ),
}
_OFFSETS = {"registration": 37, "licensing": 137, "enforcement": 237, "inspection": 337}
_ROWS = {REGISTRATIONS.name: "registrations", LICENCES.name: "licences",
         COMMITMENTS.name: "commitments", PENALTIES.name: "penalties",
         LISTINGS.name: "listings", INSPECTIONS.name: "inspections", SAMPLINGS.name: "samplings"}


_SOURCE_AT = {offset: source for source, offset in _OFFSETS.items()}


def fault_for(index: int) -> tuple[str, FaultKind] | None:
    """The (source, fault) enterprise `index` carries, if any."""
    source = _SOURCE_AT.get(index % FAULT_PERIOD)
    if source is None:
        return None
    kinds = KINDS[source]
    return source, kinds[(index // FAULT_PERIOD) % len(kinds)]


def rows_of(chunk: Chunk, feed: Feed) -> list[Row]:
    """The chunk's row list for `feed`."""
    rows: list[Row] = getattr(chunk, _ROWS[feed.name])
    return rows


def apply(ctx: Context, e: Enterprise, source: str, kind: FaultKind, start: int) -> None:
    """Spoil the enterprise's first row in the feed (rows from `start` on are its own)."""
    rows = rows_of(ctx.out, kind.feed)
    if start >= len(rows):
        return
    row = list(rows[start])
    column = kind.feed.position(kind.column)
    row[column] = kind.spoil(row[column])
    rows[start] = tuple(row)
    ctx.out.faults.append(Fault(source, kind.feed.name, str(row[0]), e.uscc, kind.problem))
