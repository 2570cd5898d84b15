"""Deployment corrections to the built-in rule sets and the working-day calendar, from TOML.

```toml
[calendar]
extra_holidays = [2027-01-01]          # TOML dates or "YYYY-MM-DD" strings
extra_workdays = [2027-02-07]

[[rule_set]]
base = "samr-order107-2025.1"          # the built-in version it starts from
version = "samr-order107-2025.1-gd.1"  # required, new: verifications quote it
minor_fine_limit_entity = "30000"      # amounts as strings or whole numbers

[[verification_rule_set]]
base = "verify-2021.1"                 # a built-in verification rule set
version = "verify-2021.1-st.1"         # required, new
procurement_fine_threshold = "1000000" # also: lookback_years, abnormal_escalation,
                                       # escalation_years, major_measures, effective_from
```

A rule set of either kind keeping its base's `effective_from` replaces the base; one with
another `effective_from` is added. Any wrong value raises `RulesConfigError` naming the file,
the entry and the key, and nothing of the file is used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gateway.records import PenaltyMeasure
from gateway.rules.calendar import DEFAULT_CALENDAR, WorkingCalendar
from gateway.rules.purposes import (
    DEFAULT_VERIFICATION_RULES,
    VerificationRuleBook,
    VerificationRuleSet,
)
from gateway.rules.ruleset import DEFAULT_RULES, RuleBook, RuleSet


class RulesConfigError(ValueError):
    """The rules configuration is wrong; the message says where and what."""


@dataclasses.dataclass(frozen=True, slots=True)
class RulesConfig:
    rules: RuleBook
    calendar: WorkingCalendar
    verification: VerificationRuleBook = DEFAULT_VERIFICATION_RULES


DEFAULT_RULES_CONFIG = RulesConfig(DEFAULT_RULES, DEFAULT_CALENDAR)
"""The built-in rule sets and the official calendar, without corrections."""

_INT_FIELDS = frozenset({
    "minor_public_months", "general_public_months", "serious_public_months",
    "general_repair_months", "serious_repair_months", "area_repair_months",
    "negative_inspection_public_months", "other_inspection_public_months",
    "publication_working_days",
})
_DECIMAL_FIELDS = frozenset({"minor_fine_limit_entity", "minor_fine_limit_individual"})
_BOOL_FIELDS = frozenset({"repair_waits_for_restriction", "publicity_covers_restriction"})
_TEXT_FIELDS = frozenset({"version", "legal_basis"})
_WORD_FIELDS = frozenset({"serious_area_words", "individual_code_prefixes"})
_KNOWN = (
    _INT_FIELDS | _DECIMAL_FIELDS | _BOOL_FIELDS | _TEXT_FIELDS | _WORD_FIELDS
    | {"base", "effective_from"}
)
_CODE_PREFIX = re.compile(r"[0-9A-HJ-NPQRTUWXY]{1,2}")


def load_rules_config(
    path: Path,
    defaults: RuleBook = DEFAULT_RULES,
    verification_defaults: VerificationRuleBook = DEFAULT_VERIFICATION_RULES,
) -> RulesConfig:
    """Read a rules configuration file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesConfigError(f"{path.name}: {exc}") from None
    return parse_rules_config(data, path.name, defaults, verification_defaults)


def parse_rules_config(
    data: Mapping[str, Any],
    source: str,
    defaults: RuleBook = DEFAULT_RULES,
    verification_defaults: VerificationRuleBook = DEFAULT_VERIFICATION_RULES,
) -> RulesConfig:
    """Build the rule books and calendar a parsed configuration describes."""
    unknown = sorted(set(data) - {"calendar", "rule_set", "verification_rule_set"})
    if unknown:
        raise RulesConfigError(f"{source}: unknown section(s) {', '.join(unknown)}")
    calendar = _calendar(source, data.get("calendar", {}))
    entries = data.get("rule_set", [])
    if not isinstance(entries, list):
        raise RulesConfigError(f"{source}: rule_set must be an array of tables ([[rule_set]])")
    sets = {s.effective_from: s for s in defaults.sets}
    configured: set[dt.date] = set()
    for index, entry in enumerate(entries):
        where = f"{source}: rule_set {index + 1}"
        rule_set = _rule_set(where, entry, defaults)
        if rule_set.effective_from in configured:
            day = rule_set.effective_from.isoformat()
            raise RulesConfigError(f"{where}: another rule set already comes into force on {day}")
        configured.add(rule_set.effective_from)
        sets[rule_set.effective_from] = rule_set
    verification = _verification_book(
        source, data.get("verification_rule_set", []), verification_defaults
    )
    try:
        return RulesConfig(RuleBook(list(sets.values())), calendar, verification)
    except ValueError as exc:
        raise RulesConfigError(f"{source}: {exc}") from None


def _calendar(source: str, section: Any) -> WorkingCalendar:
    where = f"{source}: calendar"
    if not isinstance(section, dict):
        raise RulesConfigError(f"{where} must be a table")
    unknown = sorted(set(section) - {"extra_holidays", "extra_workdays"})
    if unknown:
        raise RulesConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    holidays = _dates(where, "extra_holidays", section.get("extra_holidays", []))
    workdays = _dates(where, "extra_workdays", section.get("extra_workdays", []))
    try:
        return WorkingCalendar(holidays, workdays)
    except ValueError as exc:
        raise RulesConfigError(f"{where}: {exc}") from None


def _dates(where: str, key: str, values: Any) -> frozenset[dt.date]:
    if not isinstance(values, list):
        raise RulesConfigError(f"{where}: {key} must be a list of dates")
    return frozenset(_date(where, key, value) for value in values)


def _date(where: str, key: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise RulesConfigError(f"{where}: {key}: {value!r} is not a date (YYYY-MM-DD)")


def _rule_set(where: str, entry: Any, defaults: RuleBook) -> RuleSet:
    if not isinstance(entry, dict):
        raise RulesConfigError(f"{where} must be a table")
    unknown = sorted(set(entry) - _KNOWN)
    if unknown:
        raise RulesConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    base = _base(where, entry.get("base"), defaults)
    version = entry.get("version")
    if not isinstance(version, str) or not version.strip() or version == base.version:
        raise RulesConfigError(
            f"{where}: version must be given and differ from the base's {base.version!r}"
        )
    changes = {key: _value(where, key, value) for key, value in entry.items() if key != "base"}
    try:
        return dataclasses.replace(base, **changes)
    except ValueError as exc:
        raise RulesConfigError(f"{where}: {exc}") from None


def _base(where: str, name: Any, defaults: RuleBook) -> RuleSet:
    for rule_set in defaults.sets:
        if rule_set.version == name:
            return rule_set
    versions = ", ".join(s.version for s in defaults.sets)
    raise RulesConfigError(f"{where}: base {name!r} is not one of {versions}")


def _value(where: str, key: str, value: Any) -> Any:
    if key == "effective_from":
        return _date(where, key, value)
    if key in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RulesConfigError(f"{where}: {key} must be a whole number, got {value!r}")
        # 0 switches the separate repair wait for serious fields off.
        return None if key == "area_repair_months" and value == 0 else value
    if key in _DECIMAL_FIELDS:
        return _amount(where, key, value)
    if key in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise RulesConfigError(f"{where}: {key} must be true or false, got {value!r}")
        return value
    if key in _WORD_FIELDS:
        return _words(where, key, value)
    if not isinstance(value, str) or not value.strip():
        raise RulesConfigError(f"{where}: {key} must be a non-empty string")
    return value


def _amount(where: str, key: str, value: Any) -> Decimal:
    # Floats are refused: 0.1 in binary is not 0.1 yuan.
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if amount.is_finite() and amount >= 0:
            return amount
    raise RulesConfigError(
        f"{where}: {key} must be a non-negative amount in yuan as a string or whole number, "
        f"got {value!r}"
    )


def _words(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise RulesConfigError(f"{where}: {key} must be a list of non-empty strings")
    words = tuple(w.strip() for w in value)
    if key == "individual_code_prefixes":
        bad = [w for w in words if not _CODE_PREFIX.fullmatch(w.upper())]
        if bad:
            raise RulesConfigError(f"{where}: {key}: {bad!r} are not USCC prefixes")
        words = tuple(w.upper() for w in words)
    return words


_VERIFICATION_KNOWN = frozenset({
    "base", "version", "effective_from", "procurement_fine_threshold", "lookback_years",
    "escalation_years", "abnormal_escalation", "major_measures",
})


def _verification_book(
    source: str, entries: Any, defaults: VerificationRuleBook
) -> VerificationRuleBook:
    if not isinstance(entries, list):
        raise RulesConfigError(
            f"{source}: verification_rule_set must be an array of tables "
            "([[verification_rule_set]])"
        )
    sets = {s.effective_from: s for s in defaults.sets}
    configured: set[dt.date] = set()
    for index, entry in enumerate(entries):
        where = f"{source}: verification_rule_set {index + 1}"
        rule_set = _verification_set(where, entry, defaults)
        if rule_set.effective_from in configured:
            day = rule_set.effective_from.isoformat()
            raise RulesConfigError(f"{where}: another rule set already comes into force on {day}")
        configured.add(rule_set.effective_from)
        sets[rule_set.effective_from] = rule_set
    try:
        return VerificationRuleBook(list(sets.values()))
    except ValueError as exc:
        raise RulesConfigError(f"{source}: {exc}") from None


def _verification_set(
    where: str, entry: Any, defaults: VerificationRuleBook
) -> VerificationRuleSet:
    if not isinstance(entry, dict):
        raise RulesConfigError(f"{where} must be a table")
    unknown = sorted(set(entry) - _VERIFICATION_KNOWN)
    if unknown:
        raise RulesConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    name = entry.get("base")
    base = next((s for s in defaults.sets if s.version == name), None)
    if base is None:
        versions = ", ".join(s.version for s in defaults.sets)
        raise RulesConfigError(f"{where}: base {name!r} is not one of {versions}")
    version = entry.get("version")
    if not isinstance(version, str) or not version.strip() or version == base.version:
        raise RulesConfigError(
            f"{where}: version must be given and differ from the base's {base.version!r}"
        )
    changes = {
        key: _verification_value(where, key, value)
        for key, value in entry.items() if key != "base"
    }
    try:
        return dataclasses.replace(base, **changes)
    except ValueError as exc:
        raise RulesConfigError(f"{where}: {exc}") from None


def _verification_value(where: str, key: str, value: Any) -> Any:
    if key == "effective_from":
        return _date(where, key, value)
    if key == "procurement_fine_threshold":
        return _amount(where, key, value)
    if key in ("lookback_years", "escalation_years"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RulesConfigError(
                f"{where}: {key} must be a whole number of at least 1, got {value!r}"
            )
        return value
    if key == "abnormal_escalation":
        if not isinstance(value, bool):
            raise RulesConfigError(f"{where}: {key} must be true or false, got {value!r}")
        return value
    if key == "major_measures":
        return _measures(where, key, value)
    return value  # version, checked by the caller


def _measures(where: str, key: str, value: Any) -> frozenset[PenaltyMeasure]:
    names = {m.value for m in PenaltyMeasure}
    if not isinstance(value, list) or not all(isinstance(v, str) and v in names for v in value):
        raise RulesConfigError(
            f"{where}: {key} must be a list of penalty measures ({', '.join(sorted(names))}), "
            f"got {value!r}"
        )
    return frozenset(PenaltyMeasure(v) for v in value)
