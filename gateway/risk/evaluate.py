"""Back-testing the models: assess every enterprise as it stood before a cut-off date (only
records dated before it), then compare the classes with what inspections found after it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from gateway.archive import Queryable
from gateway.database import Connection
from gateway.records import EnterpriseStatus, InspectionResult
from gateway.risk.archive import load_indicators, next_codes, years_before
from gateway.risk.config import ModelSet
from gateway.risk.metrics import (
    ClassRate,
    DrawComparison,
    Outcome,
    auc,
    class_rates,
    compare_draws,
    spearman,
)
from gateway.risk.scoring import Scored, assess
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook

CLEAN_RESULTS = (InspectionResult.NO_PROBLEM, InspectionResult.NO_RELEVANT_ACTIVITY,
                 InspectionResult.SAMPLE_QUALIFIED)
"""Every other inspection result counts as a problem found."""
BATCH = 10_000

_OUTCOMES = """
SELECT uscc, bool_or(NOT (payload->>'result' = ANY($2::text[]))) AS problem
FROM records
WHERE kind = 'INSPECTION' AND payload->>'inspected_on' >= $1
GROUP BY uscc
"""


class EvaluationError(ValueError):
    """The archive cannot be back-tested as asked; the message says why."""


@dataclasses.dataclass(frozen=True, slots=True)
class Evaluation:
    cutoff: dt.date
    assessed: int
    classes: list[ClassRate]
    auc: float | None
    draws: DrawComparison
    operating_draws: DrawComparison
    """The same draws among the enterprises that were operating on the cut-off day only."""
    truth_correlation: float | None
    """Spearman correlation of the score with a known true risk, when one was given."""


async def default_cutoff(conn: Queryable) -> dt.date:
    """A year before the latest inspection in the archive."""
    latest: str | None = await conn.fetchval(
        "SELECT max(payload->>'inspected_on') FROM records WHERE kind = 'INSPECTION'"
    )
    if latest is None:
        raise EvaluationError("the archive holds no inspections to evaluate against")
    return years_before(dt.date.fromisoformat(latest), 1)


async def assess_before(
    conn: Connection, models: ModelSet, cutoff: dt.date,
    on_batch: Callable[[int], None] | None = None, rules: RuleBook = DEFAULT_RULES,
) -> list[tuple[Scored, bool]]:
    """Every enterprise established before `cutoff`, assessed on the day before it, and
    whether it was operating that day."""
    day = cutoff - dt.timedelta(days=1)
    scored: list[tuple[Scored, bool]] = []
    codes = await next_codes(conn, "", BATCH)
    while codes:
        for indicators in await load_indicators(conn, codes, day, rules):
            if indicators.established_on is None or indicators.established_on <= day:
                operating = indicators.status is EnterpriseStatus.OPERATING
                scored.append((assess(indicators, models), operating))
        if on_batch is not None:
            on_batch(len(codes))
        codes = await next_codes(conn, codes[-1], BATCH)
    return scored


async def outcomes_after(conn: Queryable, cutoff: dt.date) -> dict[str, bool]:
    """Enterprises inspected on or after `cutoff`: whether any inspection found a problem."""
    rows = await conn.fetch(_OUTCOMES, cutoff.isoformat(), [r.value for r in CLEAN_RESULTS])
    return {row["uscc"]: row["problem"] for row in rows}


async def evaluate(
    conn: Connection, models: ModelSet, cutoff: dt.date, seed: int,
    truth: Mapping[str, float] | None = None,
    on_batch: Callable[[int], None] | None = None,
    rules: RuleBook = DEFAULT_RULES,
) -> Evaluation:
    """Back-test `models` at `cutoff` (see the module's description)."""
    assessed = await assess_before(conn, models, cutoff, on_batch, rules)
    scored = [s for s, _ in assessed]
    found = await outcomes_after(conn, cutoff)
    outcomes = [Outcome(s.risk_class, s.score, s.uscc in found, found.get(s.uscc, False))
                for s in scored]
    operating = [o for o, (_, op) in zip(outcomes, assessed, strict=True) if op]
    inspected = [o for o in outcomes if o.inspected]
    if not inspected:
        raise EvaluationError(f"no enterprise assessed was inspected on or after {cutoff}")
    return Evaluation(
        cutoff=cutoff,
        assessed=len(scored),
        classes=class_rates(outcomes),
        auc=auc([o.score for o in inspected], [o.problem for o in inspected]),
        draws=compare_draws(outcomes, models.inspection_rates, seed),
        operating_draws=compare_draws(operating, models.inspection_rates, seed),
        truth_correlation=_correlation(scored, truth),
    )


def _correlation(scored: Sequence[Scored], truth: Mapping[str, float] | None) -> float | None:
    if truth is None:
        return None
    pairs = [(s.score, truth[s.uscc]) for s in scored if s.uscc in truth]
    return spearman([p[0] for p in pairs], [p[1] for p in pairs])


def read_truth(path: Path) -> dict[str, float]:
    """A CSV of `uscc,risk` rows (the demo generator's ground truth)."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        return {row["uscc"]: float(row["risk"]) for row in rows}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise EvaluationError(f"{path.name}: not a CSV of uscc,risk rows ({exc})") from None
