"""What the rules of the key-supervision list look at, per enterprise: gathered from the
archive by `gateway.supervision.store`, judged by `gateway.supervision.rules`."""

from __future__ import annotations

import dataclasses
import datetime as dt

from gateway.records import EnterpriseStatus


@dataclasses.dataclass(frozen=True, slots=True)
class RiskFact:
    """The enterprise's current credit-risk class and the model that gave it."""

    risk_class: str
    model: str


@dataclasses.dataclass(frozen=True, slots=True)
class SeriousFact:
    """A serious-dishonesty list entry of the enterprise."""

    listing_id: str
    listed_on: dt.date
    expires_on: dt.date | None
    removed_on: dt.date | None
    repaired_on: dt.date | None
    """The day an approved credit repair removed the entry, if any."""
    decision_number: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class PenaltyFact:
    """A penalty decided on the enterprise."""

    penalty_id: str
    decision_number: str
    decided_on: dt.date
    violation: str


@dataclasses.dataclass(frozen=True, slots=True)
class EnterpriseFacts:
    """Everything the rules need about one enterprise (only what may matter is gathered)."""

    uscc: str
    status: EnterpriseStatus
    key_areas: tuple[str, ...] = ()
    risk: RiskFact | None = None
    serious: tuple[SeriousFact, ...] = ()
    penalties: tuple[PenaltyFact, ...] = ()
