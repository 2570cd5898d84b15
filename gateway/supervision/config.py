"""The key-supervision configuration: rule thresholds and the measures of each ground, from
TOML. The package ships `defaults.toml`; a deployment may name its own file (setting
SUPERVISION_RULES), which must give every key. A wrong value raises SupervisionConfigError
naming the file and the key, and nothing of the file is used."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from gateway.records import EnterpriseStatus
from gateway.supervision.grounds import Rule

RISK_CLASSES = ("A", "B", "C", "D")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}\Z")
_MAX_NAME = 100


class SupervisionConfigError(ValueError):
    """The supervision configuration is wrong; the message says where and what."""


@dataclasses.dataclass(frozen=True, slots=True)
class SupervisionConfig:
    """Thresholds of the rules and the measures (code → name) taken on each ground."""

    high_risk_classes: frozenset[str]
    repeated_min_penalties: int
    repeated_window_months: int
    statuses: frozenset[EnterpriseStatus]
    measures: Mapping[str, str]
    """Every measure's name by code, in the configured order."""
    ground_measures: Mapping[Rule, tuple[str, ...]]

    def measures_for(self, rules: tuple[Rule, ...]) -> tuple[str, ...]:
        """The codes of the measures of these grounds, each once, in the configured order."""
        wanted = {code for rule in rules for code in self.ground_measures[rule]}
        return tuple(code for code in self.measures if code in wanted)

    def measure_name(self, code: str) -> str:
        """A measure's name; its code when the configuration no longer has it."""
        return self.measures.get(code, code)


def parse_config(data: Mapping[str, Any], origin: str) -> SupervisionConfig:
    """The configuration in a decoded TOML document; `origin` names it in errors."""
    _only(data, {"rules", "measures", "grounds"}, origin)
    rules = _table(data, "rules", origin)
    _only(rules, {"high_risk_classes", "repeated_min_penalties", "repeated_window_months",
                  "statuses"}, f"{origin} [rules]")
    measures = _measures(_table(data, "measures", origin), origin)
    return SupervisionConfig(
        high_risk_classes=_classes(rules, origin),
        repeated_min_penalties=_int(rules, "repeated_min_penalties", 2, 100, origin),
        repeated_window_months=_int(rules, "repeated_window_months", 1, 120, origin),
        statuses=_statuses(rules, origin),
        measures=measures,
        ground_measures=_grounds(_table(data, "grounds", origin), measures, origin),
    )


def _only(table: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise SupervisionConfigError(f"{where}: unknown key {unknown[0]!r}")


def _table(data: Mapping[str, Any], key: str, origin: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise SupervisionConfigError(f"{origin}: expected a table [{key}]")
    return value


def _words(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise SupervisionConfigError(f"{where}: {key} must be a non-empty list of strings")
    return value


def _classes(rules: Mapping[str, Any], origin: str) -> frozenset[str]:
    classes = _words(rules, "high_risk_classes", f"{origin} [rules]")
    bad = [c for c in classes if c not in RISK_CLASSES]
    if bad:
        raise SupervisionConfigError(
            f"{origin} [rules]: high_risk_classes: {bad[0]!r} is not a risk class (A to D)"
        )
    return frozenset(classes)


def _int(rules: Mapping[str, Any], key: str, low: int, high: int, origin: str) -> int:
    value = rules.get(key)
    if type(value) is not int or not low <= value <= high:
        raise SupervisionConfigError(
            f"{origin} [rules]: {key} must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _statuses(rules: Mapping[str, Any], origin: str) -> frozenset[EnterpriseStatus]:
    names = _words(rules, "statuses", f"{origin} [rules]")
    try:
        return frozenset(EnterpriseStatus(n) for n in names)
    except ValueError as e:
        raise SupervisionConfigError(f"{origin} [rules]: statuses: {e}") from None


def _measures(table: Mapping[str, Any], origin: str) -> dict[str, str]:
    if not table:
        raise SupervisionConfigError(f"{origin} [measures]: expected at least one measure")
    for code, name in table.items():
        if not _CODE.match(code):
            raise SupervisionConfigError(
                f"{origin} [measures]: {code!r} is not a code (capital letters, digits, _)"
            )
        if not isinstance(name, str) or not name.strip() or len(name) > _MAX_NAME:
            raise SupervisionConfigError(
                f"{origin} [measures]: {code} needs a name of 1 to {_MAX_NAME} characters"
            )
    return {code: name.strip() for code, name in table.items()}


def _grounds(
    table: Mapping[str, Any], measures: Mapping[str, str], origin: str
) -> dict[Rule, tuple[str, ...]]:
    where = f"{origin} [grounds]"
    _only(table, {r.value for r in Rule}, where)
    found: dict[Rule, tuple[str, ...]] = {}
    for rule in Rule:
        codes = _words(table, rule.value, where)
        unknown = [c for c in codes if c not in measures]
        if unknown:
            raise SupervisionConfigError(f"{where}: {rule.value}: no measure {unknown[0]!r}")
        found[rule] = tuple(codes)
    return found


def load_config(path: Path | None = None) -> SupervisionConfig:
    """The configuration of `path`, or the shipped defaults."""
    if path is None:
        return default_config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise SupervisionConfigError(f"{path}: {e}") from None
    return parse_config(data, str(path))


@functools.cache
def default_config() -> SupervisionConfig:
    """The shipped configuration (gateway/supervision/defaults.toml)."""
    text = resources.files("gateway.supervision").joinpath("defaults.toml").read_text("utf-8")
    return parse_config(tomllib.loads(text), "defaults.toml")


@functools.lru_cache(maxsize=4)
def configured(path: Path | None) -> SupervisionConfig:
    """`load_config`, read once per file (the setting does not change while running)."""
    return load_config(path)
