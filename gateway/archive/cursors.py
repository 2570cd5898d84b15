"""Opaque page cursors: a small JSON object, base64url-encoded without padding.

Every paged list puts its sort key in one and checks what it reads back (`decode` only
undoes the encoding), so a cursor made up by a caller, or one of another list, is refused by
the list's own rules rather than trusted.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

MAX_CURSOR_CHARS = 1000
"""Longer text is no cursor of ours: it is refused before it is decoded."""


def encode(key: Mapping[str, Any]) -> str:
    """The cursor of a sort key (JSON-serialisable values)."""
    text = json.dumps(key, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str) -> dict[str, Any] | None:
    """The object in a cursor; None when the text is not an encoded JSON object."""
    if len(cursor) > MAX_CURSOR_CHARS:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return None
    return key if isinstance(key, dict) else None
