"""The re-implementation printed in docs/inspections.md picks what the gateway picks."""

from __future__ import annotations

import hashlib
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gateway.inspections import draw
from gateway.inspections.model import Ratios
from gateway.inspections.snapshot import Snapshot, encode_directory, encode_population
from tests.archive.rows import code

DOC = Path(__file__).resolve().parents[2] / "docs" / "inspections.md"


def _documented_pick() -> Any:
    source = re.search(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert source is not None, "docs/inspections.md lost its Python example"
    namespace: dict[str, Any] = {}
    exec(source.group(1), namespace)
    return namespace["pick"]


@pytest.mark.parametrize("ratios", [("0.01", "0.02", "0.1", "0.3"), ("0", "0", "0.03", "0"),
                                    ("0", "0", "0", "0.5"), ("1", "0.0001", "0.3333", "0")])
def test_the_documented_algorithm_draws_the_same_enterprises(ratios: tuple[str, ...]) -> None:
    rng = random.Random(7)
    population = sorted((code(n).encode(), rng.choice("AABBBBCD")) for n in range(1, 3001))
    snapshot = Snapshot(population, ["I1", "I2"], [])
    data = encode_population(population) + encode_directory(snapshot.inspectors, [])
    seed = rng.randbytes(32)
    decimals = [Decimal(r) for r in ratios]
    ours = sorted(e.uscc for e in draw.derive(seed, snapshot, Ratios(*decimals), 2))
    theirs = _documented_pick()(seed, data, hashlib.sha256(data).hexdigest(),
                                dict(zip("ABCD", decimals, strict=True)))
    assert theirs == ours and len(ours) >= draw.floor_count(3000)
