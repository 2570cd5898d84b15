"""What the generation of one chunk shares: its random source, numbering and output rows."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from adapters.demo.codes import Numbering
from adapters.demo.industries import Sector
from adapters.demo.places import District

Row = tuple[Any, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Fault:
    """A deliberately faulty row: which source and feed, which row, what is wrong."""

    source: str
    feed: str
    record_id: str
    uscc: str
    """The enterprise the row belongs to (its true code, even when the row's is spoilt)."""
    problem: str


@dataclasses.dataclass(slots=True)
class Chunk:
    """The rows of a run of consecutive enterprises, one list per feed (see layout.py)."""

    index: int
    first: int
    """Index of the chunk's first enterprise."""
    registrations: list[Row] = dataclasses.field(default_factory=list)
    licences: list[Row] = dataclasses.field(default_factory=list)
    commitments: list[Row] = dataclasses.field(default_factory=list)
    penalties: list[Row] = dataclasses.field(default_factory=list)
    listings: list[Row] = dataclasses.field(default_factory=list)
    inspections: list[Row] = dataclasses.field(default_factory=list)
    samplings: list[Row] = dataclasses.field(default_factory=list)
    truths: list[tuple[str, float]] = dataclasses.field(default_factory=list)
    """Ground truth, never part of a source: (uscc, synthetic risk 0..1)."""
    faults: list[Fault] = dataclasses.field(default_factory=list)
    showcase: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)
    """(record kinds present, -index, uscc) of the chunk's best-documented enterprises."""

    def row_count(self) -> int:
        return (len(self.registrations) + len(self.licences) + len(self.commitments)
                + len(self.penalties) + len(self.listings) + len(self.inspections)
                + len(self.samplings))


@dataclasses.dataclass(slots=True)
class Enterprise:
    """One enterprise's profile while its rows are generated (never stored as such)."""

    index: int
    uscc: str
    name: str
    kind: str
    """Authority and type characters: 91 enterprise, 92 individual business, 93 cooperative."""
    district: District
    sector: Sector
    risk: float
    established: int
    status: str
    ended: int
    """Day the status last changed; LAST_DAY while operating."""
    bureau: str
    short: str
    """Prefix of the registering bureau's document numbers."""
    first: int
    """First day of its supervision records: 2019, or a month after it was established.
    The last is `ended`; the span is empty when it ended before."""
    share: float
    """How much of 2019 to the reference date it was active, 0..1."""
    licences: list[list[Any]] = dataclasses.field(default_factory=list)
    """Licence rows, still mutable: a later penalty may revoke one."""
    listed: int = 0
    """List entries made so far (numbers the entries' ids)."""
    penalised: int = 0
    inspected: int = 0
    """Inspections and samplings made so far."""
    committed: int = 0
    forced: str | None = None
    """A feed that must get at least one row of this enterprise (it carries a fault there)."""


@dataclasses.dataclass(slots=True)
class Context:
    """A chunk's generation state."""

    rng: random.Random
    numbering: Numbering
    out: Chunk
    personal: random.Random
    """Draws personal data only (see persons.py), apart from `rng`."""
