"""The hash chain: each row's hash covers the previous row's hash, its seq and its content."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from gateway.audit.entry import AuditEntry

GENESIS = bytes(32)
"""The prev_hash of row 1 (and the chain head before any row)."""


def canonical_instant(at: dt.datetime) -> str:
    """The instant in UTC with microseconds, e.g. 2026-01-31T01:30:00.000000Z."""
    utc = at.astimezone(dt.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def canonical_bytes(seq: int, entry: AuditEntry) -> bytes:
    """The row's content as hashed: JSON, sorted keys, no whitespace, UTF-8."""
    content = {
        "seq": seq,
        "at": canonical_instant(entry.at),
        "client_id": entry.client_id,
        "role": entry.role,
        "purpose": entry.purpose,
        "operation": entry.operation,
        "usccs": list(entry.usccs),
        "field_groups": list(entry.field_groups),
        "verdicts": list(entry.verdicts),
        "request_id": entry.request_id,
        "client_address": entry.client_address,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def row_hash(prev_hash: bytes, seq: int, entry: AuditEntry) -> bytes:
    """SHA-256 over the previous row's hash and this row's canonical content."""
    return hashlib.sha256(prev_hash + canonical_bytes(seq, entry)).digest()
