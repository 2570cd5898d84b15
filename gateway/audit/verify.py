"""Verification of the audit chain: names every edited, inserted or deleted row.

Each row's hash covers its own seq, so a row keeps the number it was written with (its
"written seq") even when someone renumbers the table to hide a gap. The walk follows the
chain through the stored prev_hash links and those written seqs, reports each break once,
and resynchronises after it, so one tampered row does not make every later row suspect.

The chain is not keyed: someone able to disable the triggers and recompute every later hash
and the head could rewrite history unnoticed. Keeping a copy of the head elsewhere (a
verification's log line, a printed report) closes that; compare it with `audit_head`.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

import asyncpg

from gateway.audit.chain import GENESIS, row_hash
from gateway.audit.entry import AuditEntry
from gateway.database import Connection

BATCH = 5000
WINDOW = 256
"""How far back an inserted row's neighbours, and how far ahead a renumbered row's written
seq, are looked for."""

_ROWS = (
    "SELECT seq, at, client_id, role, purpose, operation, usccs, field_groups, verdicts,"
    " request_id, client_address, prev_hash, hash FROM audit_log ORDER BY seq"
)


class ProblemKind(enum.StrEnum):
    CHANGED = "changed"
    MISSING = "missing"
    INSERTED = "inserted"
    BROKEN_LINK = "broken_link"
    HEAD = "head"


@dataclasses.dataclass(frozen=True, slots=True)
class ChainProblem:
    """One break of the chain; `seq`..`last_seq` are the rows it concerns."""

    kind: ProblemKind
    seq: int
    last_seq: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True, slots=True)
class ChainReport:
    rows: int
    """Rows read from audit_log."""
    problems: list[ChainProblem]

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclasses.dataclass(frozen=True, slots=True)
class StoredRow:
    """An audit_log row as read back."""

    seq: int
    entry: AuditEntry
    prev_hash: bytes
    hash: bytes

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> StoredRow:
        entry = AuditEntry(
            at=record["at"], client_id=record["client_id"], role=record["role"],
            purpose=record["purpose"], operation=record["operation"],
            usccs=tuple(record["usccs"]), field_groups=tuple(record["field_groups"]),
            verdicts=tuple(record["verdicts"]), request_id=record["request_id"],
            client_address=record["client_address"],
        )
        return cls(record["seq"], entry, bytes(record["prev_hash"]), bytes(record["hash"]))


@dataclasses.dataclass(frozen=True, slots=True)
class _Seen:
    seq: int
    """As stored."""
    written: int
    """The seq its hash was computed with."""
    hash: bytes


def _rows(first: int, last: int) -> str:
    return f"row {first}" if first == last else f"rows {first}..{last}"


def written_seq(row: StoredRow, expected: int) -> int | None:
    """The seq the row's hash was computed with, looked for near `expected` and at its
    stored seq; None when no seq matches, i.e. its content or hash was changed."""
    ahead = range(expected + 1, expected + 1 + WINDOW)
    candidates: list[int] = [expected, *([row.seq] if row.seq not in ahead else []), *ahead]
    for seq in candidates:
        if seq > 0 and row_hash(row.prev_hash, seq, row.entry) == row.hash:
            return seq
    return None


class _Recent:
    """The last WINDOW rows accepted into the chain, found by hash."""

    def __init__(self, first: _Seen) -> None:
        self._order: collections.deque[_Seen] = collections.deque()
        self._by_hash: dict[bytes, _Seen] = {}
        self.add(first)

    def add(self, seen: _Seen) -> None:
        if len(self._order) == WINDOW:
            old = self._order.popleft()
            if self._by_hash.get(old.hash) is old:
                del self._by_hash[old.hash]
        self._order.append(seen)
        self._by_hash[seen.hash] = seen

    def find(self, hash_: bytes) -> _Seen | None:
        return self._by_hash.get(hash_)


class ChainWalker:
    """Takes the rows in stored seq order and collects what breaks the chain."""

    def __init__(self, head: tuple[int, bytes] | None) -> None:
        self._head = head
        self._prev = _Seen(0, 0, GENESIS)
        self._prev_changed = False
        self._skipped = 0  # inserted rows met since the last accepted one
        self._past_head = head is not None and head[1] == GENESIS
        self._recent = _Recent(self._prev)
        self.rows = 0
        self.problems: list[ChainProblem] = []
        if head is None:
            self._report(ProblemKind.HEAD, 0, 0, "the chain head (audit_head) is missing")

    def feed(self, row: StoredRow) -> None:
        self.rows += 1
        if self._is_copy(row) or self._is_beyond_head(row):
            self._skipped += 1
            return
        anchor = self._anchor(row)
        base = anchor or self._prev
        written = written_seq(row, base.written + 1)
        changed = written is None
        if written is None:
            written = row.seq - (self._next_stored() - 1 - self._prev.written)
            self._report_missing(row, base, written)
            self._report(ProblemKind.CHANGED, row.seq, row.seq, f"row {row.seq}: content changed")
        elif written <= base.written:
            self._report(ProblemKind.INSERTED, row.seq, row.seq,
                         f"row {row.seq}: inserted (a row written as row {written}, out of order)")
            self._skipped += 1
            return
        else:
            self._check_numbering(row, base, written, linked=anchor is not None)
        self._accept(_Seen(row.seq, written, row.hash), changed)

    def finish(self) -> ChainReport:
        """The report, once every row was fed; checks the head against the last row."""
        if self._head is not None:
            self._check_head(*self._head)
        return ChainReport(self.rows, self.problems)

    def _accept(self, seen: _Seen, changed: bool) -> None:
        self._prev = seen
        self._prev_changed = changed
        self._skipped = 0
        self._recent.add(seen)
        if self._head is not None and seen.hash == self._head[1]:
            self._past_head = True

    def _next_stored(self) -> int:
        """The stored seq the next row has when nothing was deleted or renumbered."""
        return self._prev.seq + 1 + self._skipped

    def _report(self, kind: ProblemKind, first: int, last: int, message: str) -> None:
        self.problems.append(ChainProblem(kind, first, last, message))

    def _is_copy(self, row: StoredRow) -> bool:
        original = self._recent.find(row.hash)
        if original is None or original.seq == 0:
            return False
        self._report(ProblemKind.INSERTED, row.seq, row.seq,
                     f"row {row.seq}: inserted (a copy of row {original.seq})")
        return True

    def _is_beyond_head(self, row: StoredRow) -> bool:
        if not self._past_head or self._head is None:
            return False
        self._report(ProblemKind.INSERTED, row.seq, row.seq,
                     f"row {row.seq}: inserted after the chain head (row {self._head[0]})")
        return True

    def _anchor(self, row: StoredRow) -> _Seen | None:
        """The row this one links to; rows between it and this one were inserted. None when
        the link leads to no row seen lately (a deleted or rewritten row)."""
        if row.prev_hash == self._prev.hash:
            return self._prev
        earlier = self._recent.find(row.prev_hash)
        if earlier is not None:
            first, last = earlier.seq + 1, self._prev.seq
            self._report(ProblemKind.INSERTED, first, last, f"{_rows(first, last)}: inserted")
        return earlier

    def _check_numbering(self, row: StoredRow, base: _Seen, written: int, linked: bool) -> None:
        missing = written - base.written - 1
        if missing > 0:
            self._report_missing(row, base, written)
        elif not linked and not self._prev_changed:
            self._report(
                ProblemKind.BROKEN_LINK, row.seq, row.seq,
                f"row {row.seq}: prev_hash does not match row {self._prev.seq} (row "
                f"{self._prev.seq} was rewritten with a new hash, or this row's link was)",
            )
        if row.seq not in (self._next_stored(), self._next_stored() + missing):
            self._report(ProblemKind.CHANGED, row.seq, row.seq,
                         f"row {row.seq}: renumbered (written as row {written})")

    def _report_missing(self, row: StoredRow, base: _Seen, written: int) -> None:
        first, last = base.written + 1, written - 1
        if last < first:
            return
        renumbered = row.seq == self._next_stored()
        note = f" (before row {row.seq}; the rows after were renumbered)" if renumbered else ""
        self._report(ProblemKind.MISSING, first, last, f"{_rows(first, last)} missing{note}")

    def _check_head(self, head_seq: int, head_hash: bytes) -> None:
        last = self._prev
        if head_hash == last.hash or self._past_head:
            return
        if head_seq > last.written:
            first = last.written + 1
            self._report(ProblemKind.MISSING, first, head_seq,
                         f"{_rows(first, head_seq)} missing (deleted from the end; the chain "
                         f"head is row {head_seq})")
        else:
            self._report(ProblemKind.HEAD, last.seq, last.seq,
                         f"the chain head does not match row {last.seq}: the row or the head "
                         "was rewritten")


async def check_chain(conn: Connection, *, batch: int = BATCH) -> ChainReport:
    """Walk the whole chain in one snapshot, `batch` rows at a time."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        head = await conn.fetchrow("SELECT seq, hash FROM audit_head")
        walker = ChainWalker(None if head is None else (head["seq"], bytes(head["hash"])))
        cursor = await conn.cursor(_ROWS)
        while rows := await cursor.fetch(batch):
            for record in rows:
                walker.feed(StoredRow.of(record))
    return walker.finish()


async def verify_chain(conn: Connection) -> list[ChainProblem]:
    """Every problem of the chain, in seq order of discovery; empty when intact."""
    return (await check_chain(conn)).problems


async def verify_command(pool: asyncpg.Pool[Any]) -> int:
    """`credit-gateway audit verify`: print the verdict; 0 when intact, else 1."""
    async with pool.acquire() as conn:
        try:
            report = await check_chain(conn)
        except asyncpg.UndefinedTableError:
            print("no audit trail in this database: run `credit-gateway migrate` first")
            return 1
    if report.intact:
        print(f"audit chain intact: {report.rows} rows")
        return 0
    for problem in report.problems:
        print(problem.message)
    print(f"audit chain broken: {len(report.problems)} problems in {report.rows} rows")
    return 1
