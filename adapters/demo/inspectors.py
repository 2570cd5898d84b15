"""The demo's inspector directory (执法检查人员名录库): law-enforcement staff of the city
bureau and of each district bureau, deterministic from the generator's seed.

The gateway keeps this directory itself (it is no department's source), so the demo writes it
straight into the archive; staff change it with the inspector mutations.
"""

from __future__ import annotations

import dataclasses
import random

from adapters.demo.names import person
from adapters.demo.places import CITY_BUREAU, CITY_CODE, DISTRICTS

PER_BUREAU = 6
"""Inspectors of each bureau: enough for joint tasks of two per enterprise with conflicts."""
_QUALIFICATIONS = ("食品安全", "特种设备", "产品质量", "价格监督", "广告监管", "登记注册")


@dataclasses.dataclass(frozen=True, slots=True)
class DemoInspector:
    id: str
    """A law-enforcement certificate number, e.g. 44050700012."""
    name: str
    department: str
    division: str
    qualifications: tuple[str, ...]


def demo_inspectors(seed: int) -> list[DemoInspector]:
    """The directory: PER_BUREAU inspectors of the city bureau and of each district bureau."""
    rng = random.Random(f"credit-gateway-demo:inspectors:{seed}")  # noqa: S311 (synthetic data)
    bureaus = [(CITY_BUREAU, CITY_CODE), *((d.bureau, d.code) for d in DISTRICTS)]
    return [
        DemoInspector(
            id=f"{division}{n:05d}",
            name=person(rng),
            department=department,
            division=division,
            qualifications=tuple(sorted(rng.sample(_QUALIFICATIONS, 2))),
        )
        for department, division in bureaus
        for n in range(1, PER_BUREAU + 1)
    ]
