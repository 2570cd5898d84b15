"""The draw as pure functions: reproducible, per-class quotas, the 3 % floor, conflicts never
assigned, the two-inspector minimum, load spreading, and the snapshot's encoding."""

from __future__ import annotations

import collections
import hashlib
import hmac
import random
from decimal import Decimal

import pytest

from gateway.inspections import draw
from gateway.inspections.model import InspectionRefused, Ratios
from gateway.inspections.snapshot import (
    Snapshot,
    SnapshotError,
    encode_directory,
    encode_population,
    parse,
)
from tests.archive.rows import code

SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))
TENTH = Ratios(Decimal("0.1"), Decimal("0.1"), Decimal("0.1"), Decimal("0.1"))


def population(sizes: dict[str, int]) -> list[tuple[bytes, str]]:
    """Enterprises numbered from 1, the first `sizes["A"]` of class A and so on."""
    rows, n = [], 0
    for cls, size in sizes.items():
        for _ in range(size):
            n += 1
            rows.append((code(n).encode(), cls))
    return sorted(rows)


def snapshot(sizes: dict[str, int], inspectors: int = 6,
             conflicts: list[tuple[str, str]] | None = None) -> Snapshot:
    ids = [f"INSP-{i:03d}" for i in range(inspectors)]
    return Snapshot(population(sizes), ids, sorted(conflicts or []))


def test_the_same_seed_and_snapshot_give_the_same_draw_and_another_seed_another() -> None:
    snap = snapshot({"A": 40, "B": 40, "C": 10, "D": 10})
    first = draw.derive(SEED, snap, TENTH, 2)
    assert first == draw.derive(SEED, snap, TENTH, 2)
    assert {e.uscc for e in first} != {e.uscc for e in draw.derive(OTHER_SEED, snap, TENTH, 2)}


def test_each_class_gives_ceil_ratio_times_size_in_hmac_order() -> None:
    snap = snapshot({"A": 50, "B": 30, "C": 7, "D": 3})
    ratios = Ratios(Decimal("0.03"), Decimal("0.1"), Decimal("0.5"), Decimal("1"))
    entries = draw.derive(SEED, snap, ratios, 2)
    counts = collections.Counter(e.risk_class for e in entries)
    assert counts == {"A": 2, "B": 3, "C": 4, "D": 3}  # ceil(1.5), 3, ceil(3.5), 3
    class_c = sorted(u for u, c in snap.population if c == "C")
    by_mac = sorted(class_c, key=lambda u: hmac.digest(SEED, u, "sha256"))
    assert sorted(e.uscc for e in entries if e.risk_class == "C") == sorted(
        u.decode() for u in by_mac[:4])
    assert not any(e.by_floor for e in entries)


def test_the_floor_tops_a_draw_up_to_three_percent_from_class_d_down() -> None:
    snap = snapshot({"A": 150, "B": 40, "D": 10})
    ratios = Ratios(Decimal("0"), Decimal("0"), Decimal("0.5"), Decimal("0.1"))
    entries = draw.derive(SEED, snap, ratios, 2)
    assert len(entries) == draw.floor_count(200) == 6
    topped = [e for e in entries if e.by_floor]
    assert [e.risk_class for e in entries if not e.by_floor] == ["D"]
    assert collections.Counter(e.risk_class for e in topped) == {"D": 5}
    assert sorted(e.class_rank for e in entries) == [0, 1, 2, 3, 4, 5]


def test_the_floor_moves_to_the_next_class_when_one_runs_out() -> None:
    snap = snapshot({"A": 190, "C": 2, "D": 1})
    ratios = Ratios(Decimal("0"), Decimal("0.5"), Decimal("0"), Decimal("0"))
    entries = draw.derive(SEED, snap, ratios, 2)
    assert len(entries) == draw.floor_count(193) == 6
    assert collections.Counter(e.risk_class for e in entries) == {"D": 1, "C": 2, "A": 3}


def test_the_floor_rounds_up() -> None:
    assert [draw.floor_count(n) for n in (1, 33, 34, 100, 101, 1_000_000)] == [
        1, 1, 2, 3, 4, 30_000]


def test_a_conflicted_inspector_is_never_assigned() -> None:
    sizes = {"B": 30}
    ratios = Ratios(Decimal(0), Decimal(1), Decimal(0), Decimal(0))
    usccs = [u.decode() for u, _ in population(sizes)]
    conflicts = [(f"INSP-{i:03d}", u) for u in usccs for i in (0, 1)]
    entries = draw.derive(SEED, snapshot(sizes, 4, conflicts), ratios, 2)
    assert len(entries) == 30
    for e in entries:
        assert set(e.inspectors) == {"INSP-002", "INSP-003"}


def test_every_enterprise_gets_distinct_inspectors_and_loads_stay_even() -> None:
    entries = draw.derive(SEED, snapshot({"B": 60}, 7), Ratios(*[Decimal(1)] * 4), 3)
    assert all(len(set(e.inspectors)) == 3 for e in entries)
    loads = collections.Counter(i for e in entries for i in e.inspectors)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_least_loaded_then_smallest_hmac_is_what_the_lazy_levels_compute() -> None:
    snap = snapshot({"B": 25}, 5, [("INSP-001", code(3)), ("INSP-004", code(7))])
    entries = draw.derive(SEED, snap, Ratios(*[Decimal(1)] * 4), 2)
    loads = dict.fromkeys(snap.inspectors, 0)
    for e in entries:
        barred = {i for i, u in snap.conflicts if u == e.uscc}
        eligible = sorted(
            (loads[i], hmac.digest(SEED, e.uscc.encode() + i.encode(), "sha256"), i)
            for i in snap.inspectors if i not in barred)
        expected = tuple(i for _, _, i in eligible[:2])
        assert e.inspectors == expected
        for i in expected:
            loads[i] += 1


def test_fewer_inspectors_than_needed_refuses_the_draw() -> None:
    with pytest.raises(InspectionRefused, match=r"only 2 eligible inspectors.*needs 3"):
        draw.derive(SEED, snapshot({"B": 5}, 2), TENTH, 3)


def test_an_enterprise_left_with_one_inspector_is_named() -> None:
    victim = code(4)
    conflicts = [("INSP-000", victim), ("INSP-001", victim)]
    with pytest.raises(InspectionRefused, match=f"1 enterprises of the population: {victim}"):
        draw.derive(SEED, snapshot({"B": 5}, 3, conflicts), TENTH, 2)


def test_conflicts_with_enterprises_outside_the_population_do_not_matter() -> None:
    outside = code(999)
    conflicts = [("INSP-000", outside), ("INSP-001", outside)]
    assert draw.derive(SEED, snapshot({"B": 5}, 3, conflicts), TENTH, 2)


def test_quotas_are_exact_decimals() -> None:
    assert draw.class_quota(Decimal("0.07"), 100) == 7  # 0.07 * 100 is 7.000000000000001 in floats
    assert draw.class_quota(Decimal("0.0001"), 1) == 1
    assert draw.class_quota(Decimal("0"), 10) == 0


def _encoded(snap: Snapshot) -> bytes:
    return encode_population(snap.population) + encode_directory(snap.inspectors, snap.conflicts)


def test_the_snapshot_encoding_round_trips_and_is_plain_ascii_lines() -> None:
    snap = snapshot({"A": 2, "D": 1}, 2, [("INSP-001", code(2))])
    data = _encoded(snap)
    assert data == (
        f"E,{code(1)},A\nE,{code(2)},A\nE,{code(3)},D\nI,INSP-000\nI,INSP-001\n"
        f"C,INSP-001,{code(2)}\n"
    ).encode()
    assert parse(data) == snap
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(_encoded(parse(data))).hexdigest()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.replace(b",A\n", b",E\n", 1), "line 1: not E,<uscc>,<class A-D>"),
        (lambda d: d[:-1], "does not end in LF"),
        (lambda d: d.replace(b"I,INSP-000\n", b"I,INSP 000\n"), "line 4: .* not an inspector"),
        (lambda d: d.replace(b"I,INSP-001\n", b"I,INSP-000\n"), "line 5: inspector out of"),
        (lambda d: d + b"X,1\n", "line 7: unexpected"),
        (lambda d: d[23:46] + d[:23] + d[46:], "line 2: enterprise out of ascending order"),
    ],
)
def test_a_snapshot_out_of_canonical_form_is_refused_naming_the_line(
    change: object, message: str
) -> None:
    data = _encoded(snapshot({"A": 2, "D": 1}, 2, [("INSP-001", code(2))]))
    assert callable(change)
    with pytest.raises(SnapshotError, match=message):
        parse(change(data))


@pytest.mark.parametrize("skew", [False, True])
def test_the_partial_selection_is_exactly_the_smallest(skew: bool) -> None:
    rng = random.Random(3)
    order = [rng.randbytes(32) for _ in range(5000)]
    if skew:  # not uniform: the fast bound fails and the full sort decides
        order = [b"\0\0\0\0\0\0\0" + k[7:] for k in order]
    for most in (0, 1, 10, 499, 2600, 5000):
        assert draw._first(list(order), most) == sorted(order)[:most]


def test_the_mac_is_rfc_2104_hmac_sha256() -> None:
    messages = [code(n).encode() + b"INSP-1" for n in range(1, 50)]
    keyed = draw.SeedMac(SEED).keyed(messages)
    assert keyed == [hmac.digest(SEED, m, "sha256") + m for m in messages]
