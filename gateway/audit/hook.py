"""Audit rows written inside a decision's own transaction, so that a decision taken is never
without its row: both commit, or neither does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from gateway.audit.entry import AuditEntry, check_entry
from gateway.audit.writer import write_rows
from gateway.database import Connection

DecisionHook = Callable[[Connection, str], Awaitable[None]]
"""Runs in a decision's transaction before it commits, with the enterprise's code."""


def audit_hook(entry_of: Callable[[str], AuditEntry]) -> DecisionHook:
    """A hook appending `entry_of(uscc)` to the audit chain in the decision's transaction."""

    async def write(conn: Connection, uscc: str) -> None:
        entry = entry_of(uscc)
        check_entry(entry)
        await write_rows(conn, [entry])

    return write
