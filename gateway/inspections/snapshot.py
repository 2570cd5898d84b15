"""The snapshot a draw is made from, in its canonical encoding (docs/inspections.md).

ASCII lines, each ending in LF, in three sections:

    E,<uscc>,<risk class>      every enterprise of the population, ascending code
    I,<inspector id>           every eligible inspector, ascending id
    C,<inspector id>,<uscc>    their conflicts with the population, ascending (id, code)

"Ascending" is byte order. The snapshot hash is SHA-256 over exactly these bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
from collections.abc import Sequence
from typing import Any

from gateway.inspections.model import RISK_CLASSES

_ENTERPRISE_LINE = 22
"""len(b"E,") + 18 + len(b",X")"""
_INSPECTOR_ID = re.compile(rb"^[0-9A-Za-z][0-9A-Za-z-]{0,39}$")
_USCC = re.compile(rb"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_CLASSES = frozenset(c.encode() for c in RISK_CLASSES)


class SnapshotError(ValueError):
    """The bytes are not a snapshot in canonical encoding; the message says where."""


@dataclasses.dataclass(frozen=True, slots=True)
class Snapshot:
    population: list[tuple[bytes, str]]
    """(ASCII code, risk class) of every enterprise, ascending code."""
    inspectors: list[str]
    """Eligible inspectors' ids, ascending."""
    conflicts: list[tuple[str, str]]
    """(inspector id, code) pairs, ascending."""


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def encode_population(rows: list[tuple[bytes, str]]) -> bytes:
    return b"".join(b"E," + uscc + b"," + cls.encode() + b"\n" for uscc, cls in rows)


def encode_directory(inspectors: list[str], conflicts: list[tuple[str, str]]) -> bytes:
    """The inspector and conflict sections (`inspectors` and `conflicts` sorted)."""
    lines = [f"I,{i}\n" for i in inspectors] + [f"C,{i},{u}\n" for i, u in conflicts]
    return "".join(lines).encode("ascii")


class PopulationStream:
    """The E section as the database sends it, in chunks cut anywhere; its rows are read
    as they arrive (trusted: only the line shape is checked)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._rest = b""
        self.rows: list[tuple[bytes, str]] = []

    def add(self, chunk: bytes) -> list[tuple[bytes, str]]:
        """The rows completed by `chunk`."""
        self._chunks.append(chunk)
        lines = (self._rest + chunk).split(b"\n")
        self._rest = lines.pop()
        if any(len(line) != _ENTERPRISE_LINE for line in lines):
            bad = next(line for line in lines if len(line) != _ENTERPRISE_LINE)
            raise SnapshotError(f"not an enterprise line: {bad[:40]!r}")
        try:
            classes = [_CLASS_OF[line[21:]] for line in lines]
        except KeyError as e:
            raise SnapshotError(f"not a risk class: {e.args[0]!r}") from None
        rows = list(zip([line[2:20] for line in lines], classes, strict=True))
        self.rows += rows
        return rows

    def data(self) -> bytes:
        """Every byte received: the E section of the snapshot."""
        if self._rest:
            raise SnapshotError(f"the population ends inside a line: {self._rest[:40]!r}")
        return b"".join(self._chunks)


_CLASS_OF = {c.encode(): c for c in RISK_CLASSES}


def parse(data: bytes) -> Snapshot:
    """The snapshot in `data`; SnapshotError naming the first line out of canonical form."""
    if data and not data.endswith(b"\n"):
        raise SnapshotError("the last line does not end in LF")
    lines = data.split(b"\n")[:-1]
    count = _enterprise_count(lines)
    population = [_enterprise(n, line) for n, line in enumerate(lines[:count], 1)]
    inspectors: list[str] = []
    conflicts: list[tuple[str, str]] = []
    for n, line in enumerate(lines[count:], count + 1):
        if line.startswith(b"I,") and not conflicts:
            inspectors.append(_inspector(n, line[2:]))
        elif line.startswith(b"C,"):
            inspector, _, uscc = line[2:].partition(b",")
            conflicts.append((_inspector(n, inspector), _code(n, uscc).decode()))
        else:
            raise SnapshotError(f"line {n}: unexpected {line[:40]!r} (sections are E, I, C)")
    _ascending("enterprise", [u for u, _ in population], 1)
    _ascending("inspector", inspectors, count + 1)
    _ascending("conflict", conflicts, count + len(inspectors) + 1)
    return Snapshot(population, inspectors, conflicts)


def _enterprise_count(lines: list[bytes]) -> int:
    count = 0
    for line in lines:
        if not line.startswith(b"E,"):
            break
        count += 1
    return count


def _enterprise(n: int, line: bytes) -> tuple[bytes, str]:
    cls = line[21:]
    if len(line) != _ENTERPRISE_LINE or line[20:21] != b"," or cls not in _CLASSES:
        raise SnapshotError(f"line {n}: not E,<uscc>,<class A-D>: {line[:40]!r}")
    return _code(n, line[2:20]), cls.decode()


def _code(n: int, uscc: bytes) -> bytes:
    if not _USCC.match(uscc):
        raise SnapshotError(f"line {n}: {uscc[:40]!r} is not an 18-character code")
    return uscc


def _inspector(n: int, ident: bytes) -> str:
    if not _INSPECTOR_ID.match(ident):
        raise SnapshotError(f"line {n}: {ident[:50]!r} is not an inspector id")
    return ident.decode()


def _ascending(what: str, items: Sequence[Any], first_line: int) -> None:
    for n, (before, after) in enumerate(itertools.pairwise(items)):
        if not before < after:
            line = first_line + n + 1
            raise SnapshotError(f"line {line}: {what} out of ascending order or repeated")
