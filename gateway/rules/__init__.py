"""Pure rules over canonical records and a date: severity tiers, publicity, working days.

Nothing here does I/O. Rule sets are data with the date they come into force; every answer
names the version of the set that decided it.
"""

from gateway.rules.calendar import DEFAULT_CALENDAR, WorkingCalendar, local_date
from gateway.rules.publicity import (
    Publicity,
    PublicityState,
    RepairEligibility,
    inspection_publicity,
    penalty_publicity,
    publication_deadline,
)
from gateway.rules.ruleset import DEFAULT_RULES, ORDER_45_2021, ORDER_107_2025, RuleBook, RuleSet
from gateway.rules.severity import (
    Severity,
    SeverityAssessment,
    SeverityReason,
    assess_severity,
    penalty_severity,
)

__all__ = [
    "DEFAULT_CALENDAR",
    "DEFAULT_RULES",
    "ORDER_45_2021",
    "ORDER_107_2025",
    "Publicity",
    "PublicityState",
    "RepairEligibility",
    "RuleBook",
    "RuleSet",
    "Severity",
    "SeverityAssessment",
    "SeverityReason",
    "WorkingCalendar",
    "assess_severity",
    "inspection_publicity",
    "local_date",
    "penalty_publicity",
    "penalty_severity",
    "publication_deadline",
]
