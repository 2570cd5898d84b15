"""The one codec of page cursors: it round-trips a key and turns anything else into None."""

from __future__ import annotations

import base64

import pytest

from gateway.archive import cursors


def test_a_key_round_trips_as_url_safe_text() -> None:
    key = {"l": "2026-03-02", "i": 42, "n": "汕头"}
    cursor = cursors.encode(key)
    assert cursors.decode(cursor) == key
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "%%%",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),  # JSON, but not an object
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not UTF-8 text
        base64.urlsafe_b64encode(b'{"i": 1').decode(),  # cut short
        "e30" * 400,  # too long to be ours
    ],
)
def test_anything_else_is_no_cursor(cursor: str) -> None:
    assert cursors.decode(cursor) is None
