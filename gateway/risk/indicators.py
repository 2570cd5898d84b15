"""What the archive says about one enterprise as of a day, reduced to the numbers a risk model
weighs. Built in bulk from SQL aggregates (gateway.risk.archive); nothing here does I/O."""

from __future__ import annotations

import dataclasses
import datetime as dt

from gateway.records import EnterpriseStatus, KeyArea

RECENT_YEARS = 3
"""Penalties, inspections and samples count as recent for this many years: the longest
publicity period of a penalty (SAMR Order 45/107: serious penalties, 3 years)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Indicators:
    """The facts one assessment is made from; counts are of records dated by `as_of`."""

    uscc: str
    as_of: dt.date
    key_areas: tuple[KeyArea, ...] = ()
    status: EnterpriseStatus = EnterpriseStatus.OPERATING
    established_on: dt.date | None = None
    serious_penalties: int = 0
    """Recent penalties of the serious tier (gateway.rules.severity)."""
    general_penalties: int = 0
    minor_penalties: int = 0
    old_penalties: int = 0
    """Penalties older than the recent window, any tier."""
    abnormal_listings: int = 0
    """Abnormal-operations entries in force."""
    serious_listings: int = 0
    """Serious-dishonesty entries in force."""
    past_listings: int = 0
    """Entries of either list no longer in force."""
    negative_inspections: int = 0
    """Recent inspections that found a problem (not counting product sampling)."""
    unqualified_samples: int = 0
    clean_inspections: int = 0
    """Recent inspections with no problem and qualified samples."""
    targeted_inspections: int = 0
    """Recent targeted inspections (定向抽查: prompted by complaints, reports or clues)."""
    licence_lapsed: bool = False
    """Operating with an expired licence and none in force."""
    revoked_licences: int = 0
    """Licences revoked or suspended."""
    breached_commitments: int = 0
    related_parties: int = 0
    """Other enterprises of the same legal representative that are revoked or listed."""

    @property
    def age_years(self) -> float | None:
        """Years since establishment on `as_of`; None when the date is not known."""
        if self.established_on is None:
            return None
        return (self.as_of - self.established_on).days / 365.25
