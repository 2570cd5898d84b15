"""What the audit row records for the lists: the codes concerned and the group of data."""

from __future__ import annotations

from collections.abc import Iterable

from schema.context import Info

READ_GROUP = "listings"
"""Group of the audit row when list entries were read (the profile's `listings` group)."""
DECISION_GROUP = "listDecisions"
"""Group of the audit row when a list decision was asked for, taken or refused."""


def note_lists_access(info: Info, usccs: Iterable[str], group: str) -> None:
    """Note for the audit row the enterprises concerned and the group of data."""
    codes = set(usccs)
    if codes:
        info.context.touched.update(codes)
        info.context.field_groups.add(group)
