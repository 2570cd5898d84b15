"""Severity tier of a penalty (contract enum `Severity`) under the rule set in force.

Order 107's table, applied in this order:

1. serious: the case put the enterprise on the serious-dishonesty list, or a measure is a
   restriction, suspension, occupational ban, licence or business-licence revocation,
   downgrade or closure;
2. minor: every measure is a warning, circulated criticism or fine, and the fine is at most
   ¥50,000 for an entity or ¥5,000 for an individual. A fine whose amount the source left out
   is not shown to be small, so the penalty is not minor. The "lighter band" condition cannot
   be checked from the record and is not applied;
3. serious: a non-minor penalty in a serious field (food, drugs, devices, cosmetics, special
   equipment, key industrial products): the penalty's key area, or a configured word in its
   violation or legal basis;
4. general: everything else.

An individual is an individual business: a USCC starting with registration authority 9 and
entity type 2 (GB 32100). Natural persons have no USCC, so they never reach the archive.

Before Order 107 the 2021 rules had no tiers of this name. The same steps are applied with the
2021 set's values, so that the tiers keep the meaning the 2021 rules gave these groups: minor =
Order 45 Art.13's "only circulated criticism or a lower fine" (3 months of publicity); serious =
non-minor penalties in food, drugs and special equipment (the 2021 repair rules' longer wait),
heavy measures and serious-list cases; general = the other penalties.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from gateway.records import Penalty, PenaltyMeasure
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook, RuleSet


class Severity(enum.StrEnum):
    """Contract enum `Severity`."""

    MINOR = "MINOR"
    GENERAL = "GENERAL"
    SERIOUS = "SERIOUS"


class SeverityReason(enum.StrEnum):
    """Which step of the tier rules decided."""

    SERIOUS_LIST = "SERIOUS_LIST"
    HEAVY_MEASURE = "HEAVY_MEASURE"
    MINOR_MEASURES = "MINOR_MEASURES"
    SERIOUS_FIELD = "SERIOUS_FIELD"
    OTHER = "OTHER"


@dataclasses.dataclass(frozen=True, slots=True)
class SeverityAssessment:
    severity: Severity
    reason: SeverityReason
    rules_version: str


def penalty_severity(
    penalty: Penalty,
    on: dt.date,
    *,
    serious_listed: bool = False,
    rules: RuleBook = DEFAULT_RULES,
) -> Severity:
    """The tier of a penalty under the rule set in force on `on`."""
    return assess_under(penalty, rules.in_force(on), serious_listed=serious_listed).severity


def assess_severity(
    penalty: Penalty,
    on: dt.date,
    *,
    serious_listed: bool = False,
    rules: RuleBook = DEFAULT_RULES,
) -> SeverityAssessment:
    """The tier, the step that decided it and the deciding rule-set version."""
    return assess_under(penalty, rules.in_force(on), serious_listed=serious_listed)


def assess_under(
    penalty: Penalty, rule_set: RuleSet, *, serious_listed: bool
) -> SeverityAssessment:
    """The tier of a penalty under one given rule set."""
    check_amounts(penalty)
    if serious_listed:
        return _result(Severity.SERIOUS, SeverityReason.SERIOUS_LIST, rule_set)
    if any(m in rule_set.heavy_measures for m in penalty.measures):
        return _result(Severity.SERIOUS, SeverityReason.HEAVY_MEASURE, rule_set)
    if is_minor(penalty, rule_set):
        return _result(Severity.MINOR, SeverityReason.MINOR_MEASURES, rule_set)
    if in_serious_field(penalty, rule_set):
        return _result(Severity.SERIOUS, SeverityReason.SERIOUS_FIELD, rule_set)
    return _result(Severity.GENERAL, SeverityReason.OTHER, rule_set)


def _result(severity: Severity, reason: SeverityReason, rule_set: RuleSet) -> SeverityAssessment:
    return SeverityAssessment(severity, reason, rule_set.version)


def check_amounts(penalty: Penalty) -> None:
    """Reject amounts no real decision has, naming the decision."""
    for name, value in (
        ("fine_amount", penalty.fine_amount),
        ("confiscated_amount", penalty.confiscated_amount),
    ):
        if value is not None and (not value.is_finite() or value < 0):
            raise ValueError(
                f"penalty {penalty.decision_number}: {name} {value} is not a valid amount"
            )


def is_individual(uscc: str, rule_set: RuleSet) -> bool:
    """True when the code belongs to an individual business (authority 9, type 2)."""
    return uscc.startswith(rule_set.individual_code_prefixes)


def is_minor(penalty: Penalty, rule_set: RuleSet) -> bool:
    """Only light measures and, if fined, a fine within the small-fine limit."""
    measures = penalty.measures
    if not measures or any(m not in rule_set.minor_measures for m in measures):
        return False
    fine = penalty.fine_amount
    if fine is None:
        return PenaltyMeasure.FINE not in measures
    limit = (
        rule_set.minor_fine_limit_individual
        if is_individual(penalty.uscc, rule_set)
        else rule_set.minor_fine_limit_entity
    )
    return fine <= limit


def in_serious_field(penalty: Penalty, rule_set: RuleSet) -> bool:
    """The penalty concerns food, drugs, devices, cosmetics, special equipment or the like."""
    if penalty.key_area is not None and penalty.key_area in rule_set.serious_key_areas:
        return True
    pattern = rule_set.area_pattern
    basis = penalty.legal_basis
    return bool(pattern.search(penalty.violation) or (basis and pattern.search(basis)))
