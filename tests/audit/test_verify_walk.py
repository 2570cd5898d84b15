"""The chain walk on rows in memory: every kind of tampering at every position is named
once, at the right row, and the rows after it are not blamed."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.audit.chain import GENESIS, row_hash
from gateway.audit.verify import ChainProblem, ChainWalker, ProblemKind, StoredRow
from gateway.audit.writer import chained_rows
from tests.audit.conftest import entry

N = 8
K = ProblemKind


def chain(n: int = N) -> list[StoredRow]:
    """An honest chain of `n` rows, as the writer makes them."""
    rows = chained_rows(0, GENESIS, [entry(i) for i in range(1, n + 1)])
    return [StoredRow(r[0], entry(r[0]), r[-2], r[-1]) for r in rows]


def walk(rows: list[StoredRow], head: tuple[int, bytes] | None) -> list[ChainProblem]:
    walker = ChainWalker(head)
    for row in rows:
        walker.feed(row)
    report = walker.finish()
    assert report.rows == len(rows)
    return report.problems


def head_of(rows: list[StoredRow]) -> tuple[int, bytes]:
    return (rows[-1].seq, rows[-1].hash) if rows else (0, GENESIS)


def renumbered(rows: list[StoredRow]) -> list[StoredRow]:
    return [dataclasses.replace(r, seq=i) for i, r in enumerate(rows, start=1)]


def named(problems: list[ChainProblem]) -> list[tuple[ProblemKind, int, int]]:
    return [(p.kind, p.seq, p.last_seq) for p in problems]


def test_an_honest_chain_is_intact() -> None:
    rows = chain()
    assert walk(rows, head_of(rows)) == []
    assert walk([], (0, GENESIS)) == []


@pytest.mark.parametrize("k", range(1, N + 1))
def test_an_edited_row_is_named(k: int) -> None:
    rows = chain()
    rows[k - 1] = dataclasses.replace(rows[k - 1], entry=entry(k, purpose="edited"))
    problems = walk(rows, head_of(chain()))
    assert named(problems) == [(K.CHANGED, k, k)]
    assert problems[0].message == f"row {k}: content changed"


@pytest.mark.parametrize("k", range(1, N + 1))
def test_an_edited_row_with_a_recomputed_hash_is_named(k: int) -> None:
    rows = chain()
    edited = entry(k, purpose="edited")
    old = rows[k - 1]
    rows[k - 1] = dataclasses.replace(old, entry=edited, hash=row_hash(old.prev_hash, k, edited))
    problems = walk(rows, head_of(chain()))
    if k < N:
        assert named(problems) == [(K.BROKEN_LINK, k + 1, k + 1)]
        assert f"does not match row {k}" in problems[0].message
    else:
        assert named(problems) == [(K.HEAD, k, k)]


@pytest.mark.parametrize("field", ["hash", "prev_hash"])
@pytest.mark.parametrize("k", range(1, N + 1))
def test_an_edited_hash_is_named_once(k: int, field: str) -> None:
    rows = chain()
    rows[k - 1] = dataclasses.replace(rows[k - 1], **{field: bytes(31) + b"\x09"})
    problems = walk(rows, head_of(chain()))
    expected = [(K.CHANGED, k, k)]
    if field == "hash" and k == N:
        expected.append((K.HEAD, k, k))
    assert named(problems) == expected


@pytest.mark.parametrize("k", range(1, N + 1))
def test_a_deleted_row_is_named(k: int) -> None:
    rows = chain()
    del rows[k - 1]
    problems = walk(rows, head_of(chain()))
    assert named(problems) == [(K.MISSING, k, k)]
    assert problems[0].message.startswith(f"row {k} missing")


def test_deleted_rows_are_named_as_a_range() -> None:
    rows = chain()
    del rows[2:5]
    assert named(walk(rows, head_of(chain()))) == [(K.MISSING, 3, 5)]
    rows = chain()
    del rows[5:]
    (problem,) = walk(rows, head_of(chain()))
    assert (problem.kind, problem.seq, problem.last_seq) == (K.MISSING, 6, N)
    assert "deleted from the end" in problem.message


@pytest.mark.parametrize("k", range(1, N))
def test_a_deleted_row_is_named_when_the_rows_after_it_were_renumbered(k: int) -> None:
    rows = chain()
    del rows[k - 1]
    rows = renumbered(rows)
    problems = walk(rows, head_of(rows))
    assert named(problems) == [(K.MISSING, k, k)]
    assert "renumbered" in problems[0].message


def forged(seq: int, prev_hash: bytes) -> StoredRow:
    """A row made by someone who knows the hash: consistent in itself."""
    fake = entry(900, purpose="forged")
    return StoredRow(seq, fake, prev_hash, row_hash(prev_hash, seq, fake))


@pytest.mark.parametrize("k", range(1, N + 1))
def test_an_inserted_row_is_named_when_the_rows_after_it_were_renumbered(k: int) -> None:
    rows = chain()
    rows.insert(k - 1, forged(k, rows[k - 2].hash if k > 1 else GENESIS))
    rows = renumbered(rows)
    problems = walk(rows, head_of(rows))
    assert named(problems) == [(K.INSERTED, k, k)]
    assert problems[0].message == f"row {k}: inserted"


def test_an_inserted_row_after_the_chain_head_is_named() -> None:
    rows = chain()
    rows.append(forged(N + 1, rows[-1].hash))
    problems = walk(rows, head_of(chain()))
    assert named(problems) == [(K.INSERTED, N + 1, N + 1)]
    assert "after the chain head" in problems[0].message


@pytest.mark.parametrize("k", range(1, N + 1))
def test_a_copied_row_is_named(k: int) -> None:
    rows = chain()
    rows.insert(k, rows[k - 1])
    rows = renumbered(rows)
    problems = walk(rows, head_of(chain()))
    assert named(problems) == [(K.INSERTED, k + 1, k + 1)]
    assert f"a copy of row {k}" in problems[0].message


@pytest.mark.parametrize("k", range(1, N))
def test_swapped_rows_are_named(k: int) -> None:
    rows = chain()
    rows[k - 1], rows[k] = rows[k], rows[k - 1]
    problems = walk(renumbered(rows), head_of(chain()))
    assert problems
    assert {s for p in problems for s in (p.seq, p.last_seq)} <= {k, k + 1}


def test_a_renumbered_row_is_named() -> None:
    rows = chain()
    rows[-1] = dataclasses.replace(rows[-1], seq=N + 3)
    problems = walk(rows, head_of(chain()))
    assert named(problems) == [(K.CHANGED, N + 3, N + 3)]
    assert f"written as row {N}" in problems[0].message


def test_a_missing_head_is_named() -> None:
    problems = walk(chain(), None)
    assert named(problems) == [(K.HEAD, 0, 0)]


def test_a_head_ahead_of_an_empty_log_names_the_rows_missing() -> None:
    assert named(walk([], head_of(chain()))) == [(K.MISSING, 1, N)]


def test_many_deleted_rows_without_renumbering_blame_no_later_row() -> None:
    rows = chain(600)
    del rows[10:510]
    assert named(walk(rows, head_of(chain(600)))) == [(K.MISSING, 11, 510)]


def test_a_rewritten_head_is_named() -> None:
    rows = chain()
    problems = walk(rows, (N, bytes(31) + b"\x01"))
    assert named(problems) == [(K.HEAD, N, N)]


def test_rows_after_a_head_set_back_are_named() -> None:
    rows = chain()
    problems = walk(rows, head_of(rows[:-2]))
    assert named(problems) == [(K.INSERTED, N - 1, N - 1), (K.INSERTED, N, N)]
