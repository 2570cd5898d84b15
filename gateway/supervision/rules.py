"""The rules of the key-supervision list, as pure functions of an enterprise's facts and a day.

- KEY_AREA_HIGH_RISK: the enterprise has a key area and its current risk class is one of the
  configured classes (C and D by default).
- SERIOUS_LIST: a serious-dishonesty entry is in force on the day: listed on or before it, not
  removed, not expired and not repaired on or before it.
- REPEATED_VIOLATIONS (屡禁不止、屡罚不改): at least N penalties for the same kind of violation
  count on the day. "Same kind" is the same violation text, white space ignored: a penalty's
  legal basis often cites several provisions, and one article (e.g. 食品安全法 Art.124) covers
  many unrelated acts, so the article would join different violations. A penalty decided on D
  counts on day T from D through the corresponding day M months later (periods counted as
  gateway.rules.publicity counts them), so the ground ends by itself once older penalties
  leave the window. Each kind that reaches N is one ground.

Only enterprises in the configured registration states (OPERATING, SUSPENDED) have grounds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

from gateway.rules.publicity import add_months
from gateway.supervision.config import SupervisionConfig
from gateway.supervision.facts import EnterpriseFacts, PenaltyFact, SeriousFact
from gateway.supervision.grounds import Ground, Rule

_SPACE = re.compile(r"\s+")


def derive_grounds(
    facts: EnterpriseFacts, today: dt.date, config: SupervisionConfig
) -> tuple[Ground, ...]:
    """Every ground of the rules that holds on `today`, in rule order."""
    if facts.status not in config.statuses:
        return ()
    found: list[Ground] = []
    high_risk = key_area_high_risk(facts, config)
    if high_risk is not None:
        found.append(high_risk)
    serious = serious_list(facts, today)
    if serious is not None:
        found.append(serious)
    found.extend(repeated_violations(facts, today, config))
    return tuple(found)


def key_area_high_risk(facts: EnterpriseFacts, config: SupervisionConfig) -> Ground | None:
    risk = facts.risk
    if not facts.key_areas or risk is None or risk.risk_class not in config.high_risk_classes:
        return None
    areas = ", ".join(sorted(facts.key_areas))
    return Ground(
        Rule.KEY_AREA_HIGH_RISK,
        f"key areas {areas}; credit-risk class {risk.risk_class} (model {risk.model})",
    )


def serious_in_force(entry: SeriousFact, today: dt.date) -> bool:
    """Whether a serious-list entry is in force on `today`."""
    ended = (entry.removed_on, entry.expires_on, entry.repaired_on)
    return entry.listed_on <= today and all(day is None or day > today for day in ended)


def serious_list(facts: EnterpriseFacts, today: dt.date) -> Ground | None:
    entries = sorted(
        (e for e in facts.serious if serious_in_force(e, today)),
        key=lambda e: (e.listed_on, int(e.listing_id)),
    )
    if not entries:
        return None
    return Ground(Rule.SERIOUS_LIST, "; ".join(_serious_detail(e) for e in entries))


def _serious_detail(entry: SeriousFact) -> str:
    text = f"serious-dishonesty list entry {entry.listing_id} listed on {entry.listed_on}"
    if entry.decision_number:
        text += f" (decision {entry.decision_number})"
    if entry.expires_on is not None:
        text += f", leaves the list on {entry.expires_on}"
    return text


def violation_kind(violation: str) -> str:
    """The kind of a violation: its text without white space."""
    return _SPACE.sub("", violation)


def counts_on(decided_on: dt.date, today: dt.date, window_months: int) -> bool:
    """Whether a penalty decided on `decided_on` is inside the window on `today`."""
    return decided_on <= today <= add_months(decided_on, window_months)


def repeated_violations(
    facts: EnterpriseFacts, today: dt.date, config: SupervisionConfig
) -> list[Ground]:
    window = config.repeated_window_months
    counted = [p for p in facts.penalties if counts_on(p.decided_on, today, window)]
    counted.sort(key=lambda p: (violation_kind(p.violation), p.decided_on, int(p.penalty_id)))
    grounds = []
    for _, group in itertools.groupby(counted, key=lambda p: violation_kind(p.violation)):
        penalties = list(group)
        if len(penalties) >= config.repeated_min_penalties:
            grounds.append(Ground(Rule.REPEATED_VIOLATIONS, _repeated_detail(penalties, window)))
    return grounds


def _repeated_detail(penalties: list[PenaltyFact], window: int) -> str:
    numbers = ", ".join(p.decision_number for p in penalties)
    return (
        f"{len(penalties)} penalties for {penalties[0].violation.strip()} between "
        f"{penalties[0].decided_on} and {penalties[-1].decided_on} (within {window} months): "
        f"{numbers}"
    )


def earliest_counted(today: dt.date, window_months: int) -> dt.date:
    """A day before every penalty that can count on `today` (the gathering's lower bound)."""
    return add_months(today, -window_months - 1)
