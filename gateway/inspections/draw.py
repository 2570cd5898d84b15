"""The draw, as pure functions of the seed and the snapshot (docs/inspections.md).

Enterprises: within each risk class, rank by HMAC-SHA256(seed, ASCII code), ascending as
unsigned big-endian numbers (i.e. byte order), ties by code; take ceil(ratio x class size).
When the picks fall short of the 3 % floor (ceil(3 N / 100) of the population N), the next
enterprises in rank are added, class D first, then C, B, A.

Inspectors: the picks are served in ascending code. Each gets the `per_enterprise` eligible
inspectors (in the snapshot, not in conflict with it) that come first when sorted by
(assignments so far in this draw, HMAC-SHA256(seed, ASCII code + UTF-8 id), id).
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, Decimal

from gateway.inspections.model import RISK_CLASSES, DrawnEntry, InspectionRefused, Ratios
from gateway.inspections.snapshot import Snapshot

FLOOR_PERCENT = 3
"""《企业公示信息抽查办法》 Art.4: at least 3 % of enterprises sampled."""
FLOOR_ORDER = ("D", "C", "B", "A")
"""Classes that top a draw up to the floor, first to last."""
_MAC = 32
_BLOCK = 64
"""SHA-256's block size: the HMAC key is padded to it."""
_NAMED = 10


def floor_count(population: int) -> int:
    """The fewest enterprises a draw over `population` may pick: ceil(3 % of it)."""
    return (FLOOR_PERCENT * population + 99) // 100


def class_quota(ratio: Decimal, size: int) -> int:
    """ceil(ratio x size), computed exactly."""
    return int((ratio * size).to_integral_value(rounding=ROUND_CEILING))


class SeedMac:
    """HMAC-SHA256 keyed with the seed (RFC 2104), computed from the two padded-key states
    once: this saves hashing the key again for every message, the bulk of the cost of
    `hmac.digest` on short messages."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) > _BLOCK:
            raise ValueError(f"a seed of at most {_BLOCK} bytes, got {len(seed)}")
        key = seed.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key)).copy
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key)).copy

    def keyed(self, messages: Iterable[bytes]) -> list[bytes]:
        """HMAC-SHA256(seed, m) followed by m, for each message m: sorting these bytes sorts
        by HMAC, then by message."""
        inner_of, outer_of = self._inner, self._outer
        out: list[bytes] = []
        append = out.append
        for message in messages:
            inner = inner_of()
            inner.update(message)
            outer = outer_of()
            outer.update(inner.digest())
            append(outer.digest() + message)
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Pick:
    uscc: str
    risk_class: str
    class_rank: int
    by_floor: bool


def _first(order: list[bytes], most: int) -> list[bytes]:
    """The `most` smallest, ascending."""
    if most < len(order) // 2:
        # MACs are uniform, so the `most` smallest almost surely lie under this bound; when
        # at least `most` do, they are exactly the smallest (every other one is larger).
        share = (most * 1.1 + 64) / len(order)
        bound = min(int(share * 2**64), 2**64 - 1).to_bytes(8, "big")
        under = [k for k in order if k < bound]
        if len(under) >= most:
            under.sort()
            return under[:most]
    return sorted(order)[:most]


class ClassRanking:
    """The population's codes keyed by HMAC, per class; fed in pieces, so that hashing can
    run while the database still sends the rest."""

    def __init__(self, seed: bytes) -> None:
        self._mac = SeedMac(seed)
        self._keyed: dict[str, list[bytes]] = {c: [] for c in RISK_CLASSES}
        self.size = 0

    def add(self, rows: Sequence[tuple[bytes, str]]) -> None:
        for cls in RISK_CLASSES:
            self._keyed[cls] += self._mac.keyed([code for code, c in rows if c == cls])
        self.size += len(rows)

    def picks(self, ratios: Ratios) -> list[Pick]:
        """The enterprises drawn, ascending code."""
        taken = {c: class_quota(ratios.of(c), len(self._keyed[c])) for c in RISK_CLASSES}
        floor = floor_count(self.size)
        # Beyond its quota, a class can only be needed for the floor.
        order = {c: [k[_MAC:] for k in _first(self._keyed[c], taken[c] + floor)]
                 for c in RISK_CLASSES}
        picks = [Pick(code.decode(), c, rank, False)
                 for c in RISK_CLASSES for rank, code in enumerate(order[c][: taken[c]])]
        missing = floor - len(picks)
        for c in FLOOR_ORDER:
            extra = order[c][taken[c] : taken[c] + max(missing, 0)]
            picks += [Pick(code.decode(), c, taken[c] + n, True) for n, code in enumerate(extra)]
            missing -= len(extra)
        picks.sort(key=lambda p: p.uscc)
        return picks


def select(seed: bytes, population: Sequence[tuple[bytes, str]], ratios: Ratios) -> list[Pick]:
    """The enterprises drawn, ascending code."""
    ranking = ClassRanking(seed)
    ranking.add(population)
    return ranking.picks(ratios)


def conflicts_by_enterprise(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = collections.defaultdict(set)
    for inspector, uscc in pairs:
        found[uscc].add(inspector)
    return found


def check_staffing(snapshot: Snapshot, per_enterprise: int) -> None:
    """Refuse a draw in which some enterprise of the population could not get enough
    inspectors. Checked over the whole population, so a refusal reveals nothing of the draw."""
    pool = len(snapshot.inspectors)
    if pool < per_enterprise:
        raise InspectionRefused(
            f"only {pool} eligible inspectors (active, in the task's departments): each "
            f"enterprise needs {per_enterprise}"
        )
    codes = [u for u, _ in snapshot.population]
    short = []
    for uscc, barred in sorted(conflicts_by_enterprise(snapshot.conflicts).items()):
        key = uscc.encode()
        i = bisect.bisect_left(codes, key)
        if i < len(codes) and codes[i] == key and pool - len(barred) < per_enterprise:
            short.append(uscc)
    if short:
        named = ", ".join(short[:_NAMED]) + (f" and {len(short) - _NAMED} more"
                                             if len(short) > _NAMED else "")
        raise InspectionRefused(
            f"fewer than {per_enterprise} eligible inspectors without a conflict for "
            f"{len(short)} enterprises of the population: {named}"
        )


def assign(
    seed: bytes, picks: Sequence[Pick], snapshot: Snapshot, per_enterprise: int
) -> list[DrawnEntry]:
    """Each pick with its inspectors (see the module's docstring); check_staffing first."""
    barred = {uscc: {i.encode() for i in ids}
              for uscc, ids in conflicts_by_enterprise(snapshot.conflicts).items()}
    levels: dict[int, set[bytes]] = {0: {i.encode() for i in snapshot.inspectors}}
    mac = SeedMac(seed)
    entries = []
    for pick in picks:
        chosen = _least_loaded(mac, pick.uscc.encode(), levels, barred.get(pick.uscc, set()),
                               per_enterprise)
        entries.append(DrawnEntry(pick.uscc, pick.risk_class, pick.class_rank, pick.by_floor,
                                  tuple(chosen)))
    return entries


def _least_loaded(
    mac: SeedMac, code: bytes, levels: dict[int, set[bytes]], barred: set[bytes], wanted: int
) -> list[str]:
    """The `wanted` first by (load, HMAC, id), moved one load up. Only the lowest loads need
    their HMACs computed: the order is the same as sorting every eligible inspector."""
    chosen: list[tuple[int, bytes]] = []
    start = _MAC + len(code)
    for load in sorted(levels):
        candidates = mac.keyed([code + i for i in levels[load] if i not in barred])
        candidates.sort()
        chosen += [(load, k[start:]) for k in candidates[: wanted - len(chosen)]]
        if len(chosen) == wanted:
            break
    for load, ident in chosen:
        levels[load].discard(ident)
        if not levels[load]:
            del levels[load]
        levels.setdefault(load + 1, set()).add(ident)
    return [ident.decode() for _, ident in chosen]


def derive(
    seed: bytes, snapshot: Snapshot, ratios: Ratios, per_enterprise: int
) -> list[DrawnEntry]:
    """The whole draw: the enterprises picked and their inspectors, ascending code."""
    check_staffing(snapshot, per_enterprise)
    return assign(seed, select(seed, snapshot.population, ratios), snapshot, per_enterprise)
