"""What the audit row records for the key-supervision list and typical cases."""

from __future__ import annotations

from gateway.supervision.config import SupervisionConfig, configured
from schema.context import Info

READ_GROUP = "keySupervision"
"""Group of the audit row when key-supervision entries were read."""
DECISION_GROUP = "keySupervisionDecisions"
"""Group of the audit row when a manual entry was added or removed, or refused."""
CASES_GROUP = "typicalCases"
"""Group of the audit row when typical cases were read or decided about."""


def supervision_config(info: Info) -> SupervisionConfig:
    """The configured rules and measures (the shipped ones unless SUPERVISION_RULES is set)."""
    return configured(info.context.services.settings.supervision_rules)
