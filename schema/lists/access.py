"""What the audit row records for the lists: the codes concerned and the group of data."""

from __future__ import annotations

READ_GROUP = "listings"
"""Group of the audit row when list entries were read (the profile's `listings` group)."""
DECISION_GROUP = "listDecisions"
"""Group of the audit row when a list decision was asked for, taken or refused."""
