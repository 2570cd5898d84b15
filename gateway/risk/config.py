"""Risk models as versioned configuration: a TOML file of models (weights per factor and the
class cut-offs) and the inspection rates per class used to judge them.

The shipped file is `models.toml` next to this module; RISK_MODELS names another. Whoever
changes a weight or a cut-off gives the model a new version: stored assessments quote it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gateway.records import KeyArea
from gateway.risk.factors import FactorCode

DEFAULT_PATH = Path(__file__).resolve().parent / "models.toml"
CLASSES = ("A", "B", "C", "D")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}\Z")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,39}\Z")


class RiskModelsError(ValueError):
    """The models file is wrong; the message names the file and the entry."""


@dataclasses.dataclass(frozen=True, slots=True)
class RiskModel:
    """One model: weights of the factors and the lowest score of classes B, C and D."""

    name: str
    version: str
    key_areas: frozenset[KeyArea]
    """Enterprises tagged with one of these get this model; empty: the general model."""
    weights: Mapping[FactorCode, float]
    cutoffs: tuple[float, float, float]

    @property
    def label(self) -> str:
        """Name and version, as stored with each assessment (e.g. food@2026.1)."""
        return f"{self.name}@{self.version}"

    def risk_class(self, score: float) -> str:
        """The class a score falls in: below the B cut-off A, and so on up to D."""
        return CLASSES[sum(score >= cut for cut in self.cutoffs)]


@dataclasses.dataclass(frozen=True, slots=True)
class ModelSet:
    """The general model, the key-area sub-models (first match wins) and inspection rates."""

    general: RiskModel
    sub_models: tuple[RiskModel, ...]
    inspection_rates: Mapping[str, float]
    """Share of each class inspected per year (evaluation's stratified draw)."""

    def for_key_areas(self, key_areas: Sequence[KeyArea]) -> RiskModel:
        """The sub-model of the first that matches the enterprise's key areas, else general."""
        for model in self.sub_models:
            if model.key_areas.intersection(key_areas):
                return model
        return self.general

    @property
    def models(self) -> tuple[RiskModel, ...]:
        return (self.general, *self.sub_models)


def configured_models(path: Path | None) -> ModelSet:
    """The models of the RISK_MODELS file, or the shipped ones when it is not set."""
    return load_models(DEFAULT_PATH if path is None else path)


def load_models(path: Path = DEFAULT_PATH) -> ModelSet:
    """Read and validate a models file; RiskModelsError says what is wrong and where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RiskModelsError(f"{path.name}: {exc}") from None
    try:
        return parse_models(data)
    except RiskModelsError as exc:
        raise RiskModelsError(f"{path.name}: {exc}") from None


def parse_models(data: Mapping[str, Any]) -> ModelSet:
    """The model set a parsed TOML document describes."""
    unknown = set(data) - {"models", "inspection_rates"}
    if unknown:
        raise RiskModelsError(f"unknown top-level keys: {', '.join(sorted(unknown))}")
    entries = data.get("models")
    if not isinstance(entries, list) or not entries:
        raise RiskModelsError("[[models]] must hold at least the general model")
    models = [_model(i, entry) for i, entry in enumerate(entries)]
    general = [m for m in models if not m.key_areas]
    if len(general) != 1:
        raise RiskModelsError(
            f"exactly one model without key_areas (the general model) is needed, "
            f"found {len(general)}")
    _check_unique(models)
    rates = _rates(data.get("inspection_rates"))
    return ModelSet(general[0], tuple(m for m in models if m.key_areas), rates)


def _model(index: int, entry: Any) -> RiskModel:
    where = f"models[{index}]"
    if not isinstance(entry, dict):
        raise RiskModelsError(f"{where}: must be a table")
    unknown = set(entry) - {"name", "version", "key_areas", "weights", "cutoffs"}
    if unknown:
        raise RiskModelsError(f"{where}: unknown keys: {', '.join(sorted(unknown))}")
    name = _matching(where, entry, "name", _NAME, "lower-case letters, digits, - or _")
    version = _matching(where, entry, "version", _VERSION, "letters, digits, . + - _")
    where = f"model {name!r}"
    return RiskModel(
        name=name,
        version=version,
        key_areas=_key_areas(where, entry.get("key_areas", [])),
        weights=_weights(where, entry.get("weights")),
        cutoffs=_cutoffs(where, entry.get("cutoffs")),
    )


def _matching(where: str, entry: Mapping[str, Any], key: str, pattern: re.Pattern[str],
              expected: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not pattern.match(value):
        raise RiskModelsError(f"{where}: {key} must be 1 to 40 characters ({expected}), "
                              f"got {value!r}")
    return value


def _key_areas(where: str, value: Any) -> frozenset[KeyArea]:
    if not isinstance(value, list):
        raise RiskModelsError(f"{where}: key_areas must be a list of key areas")
    names = ", ".join(k.value for k in KeyArea)
    areas = set()
    for item in value:
        try:
            areas.add(KeyArea(item))
        except ValueError:
            raise RiskModelsError(
                f"{where}: key area {item!r} is not one of {names}") from None
    return frozenset(areas)


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RiskModelsError(f"{where} must be a finite number, got {value!r}")
    return float(value)


def _weights(where: str, value: Any) -> dict[FactorCode, float]:
    if not isinstance(value, dict) or not value:
        raise RiskModelsError(f"{where}: [weights] must be a table of factor = weight")
    codes = ", ".join(c.value for c in FactorCode)
    weights: dict[FactorCode, float] = {}
    for key, weight in value.items():
        try:
            code = FactorCode(key)
        except ValueError:
            raise RiskModelsError(
                f"{where}: unknown factor {key!r} in weights; known: {codes}") from None
        weights[code] = _number(f"{where}: weight of {key}", weight)
    return weights


def _cutoffs(where: str, value: Any) -> tuple[float, float, float]:
    if not isinstance(value, dict) or set(value) != {"B", "C", "D"}:
        raise RiskModelsError(f"{where}: [cutoffs] must give exactly B, C and D")
    b, c, d = (_number(f"{where}: cut-off {k}", value[k]) for k in ("B", "C", "D"))
    if not b < c < d:
        raise RiskModelsError(f"{where}: cut-offs must rise: B < C < D, got {b}, {c}, {d}")
    return b, c, d


def _check_unique(models: Sequence[RiskModel]) -> None:
    names = [m.name for m in models]
    for name in names:
        if names.count(name) > 1:
            raise RiskModelsError(f"model name {name!r} is used twice")
    seen: dict[KeyArea, str] = {}
    for model in models:
        for area in model.key_areas:
            if area in seen:
                raise RiskModelsError(
                    f"key area {area.value} is claimed by models {seen[area]!r} and "
                    f"{model.name!r}")
            seen[area] = model.name


def _rates(value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or set(value) != set(CLASSES):
        raise RiskModelsError("[inspection_rates] must give exactly A, B, C and D")
    rates = {k: _number(f"inspection rate of {k}", value[k]) for k in CLASSES}
    if not all(0 < rates[k] <= 1 for k in CLASSES):
        raise RiskModelsError("inspection rates must be shares above 0 and at most 1")
    if not all(rates[a] <= rates[b] for a, b in itertools.pairwise(CLASSES)):
        raise RiskModelsError("inspection rates must not fall from class A to class D")
    return rates
