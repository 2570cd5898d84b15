"""Why an enterprise is on the key-supervision list: the rules, and one ground found."""

from __future__ import annotations

import dataclasses
import enum


class Rule(enum.StrEnum):
    """A ground of the list: one of the configured rules, or a supervisor's decision."""

    KEY_AREA_HIGH_RISK = "KEY_AREA_HIGH_RISK"
    SERIOUS_LIST = "SERIOUS_LIST"
    REPEATED_VIOLATIONS = "REPEATED_VIOLATIONS"
    MANUAL = "MANUAL"


DERIVED_RULES = (Rule.KEY_AREA_HIGH_RISK, Rule.SERIOUS_LIST, Rule.REPEATED_VIOLATIONS)
"""The rules the refresh evaluates, in the order an entry names them."""


class Origin(enum.StrEnum):
    """Who put an entry on the list."""

    DERIVED = "DERIVED"
    MANUAL = "MANUAL"


@dataclasses.dataclass(frozen=True, slots=True)
class Ground:
    """A rule that holds, with what makes it hold, in words."""

    rule: Rule
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule.value, "detail": self.detail}
