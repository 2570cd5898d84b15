"""Page cursors of this package: one row id under a key naming the list, so a cursor of
one list is refused by another."""

from __future__ import annotations

from gateway.archive import cursors
from gateway.archive.search import InvalidSearchError

_MAX_ID = 2**63 - 1


def encode_cursor(key: str, row_id: int) -> str:
    return cursors.encode({key: row_id})


def decode_cursor(key: str, cursor: str) -> int:
    """The row id in a cursor of list `key`; raises InvalidSearchError otherwise."""
    bad = InvalidSearchError("after: not a cursor of this list (use a pageInfo.endCursor)")
    decoded = cursors.decode(cursor)
    if decoded is None or set(decoded) != {key}:
        raise bad
    row_id = decoded[key]
    if type(row_id) is not int or not 0 < row_id <= _MAX_ID:
        raise bad
    return row_id
