"""Positions in the change feed and the opaque cursors that carry them."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re

_TEXT = re.compile(r"^(\d{1,20}):(\d{1,19})\Z")
MAX_XID = 2**64 - 1
MAX_SEQ = 2**63 - 1


class InvalidCursor(ValueError):
    """A cursor this gateway did not give out; the message is safe to show."""


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Position:
    """Where an event stands in the feed: after every event of a smaller (xid, seq)."""

    xid: int
    seq: int

    def cursor(self) -> str:
        """The opaque cursor of this position."""
        return base64.urlsafe_b64encode(f"{self.xid}:{self.seq}".encode()).decode()


START = Position(0, 0)
"""Before every event."""


def parse_cursor(cursor: str) -> Position:
    """The position a cursor stands for; InvalidCursor when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        raise InvalidCursor("not a cursor of the change feed") from None
    match = _TEXT.match(text)
    if match is None:
        raise InvalidCursor("not a cursor of the change feed")
    xid, seq = int(match.group(1)), int(match.group(2))
    if xid > MAX_XID or seq > MAX_SEQ:
        raise InvalidCursor("not a cursor of the change feed")
    return Position(xid, seq)
