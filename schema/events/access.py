"""Who may read the change feed, and what its audit rows record."""

from __future__ import annotations

from auth.principal import Principal
from auth.roles import Scope
from schema.enterprise.access import PURPOSE_NEEDED
from schema.errors import ForbiddenError

FIELD_GROUP = "events"
"""The audit field group of change feed events."""

NEEDS_PROFILE_READ = f"the change feed needs the {Scope.PROFILE_READ.value} scope"


def feed_refusal(principal: Principal) -> str | None:
    """Why `principal` may not read the feed; None when it may."""
    if not principal.has(Scope.PROFILE_READ):
        return NEEDS_PROFILE_READ
    if not principal.purpose:
        return PURPOSE_NEEDED
    return None


def check_feed_access(principal: Principal) -> None:
    """Raise FORBIDDEN unless `principal` may read the feed."""
    refusal = feed_refusal(principal)
    if refusal is not None:
        raise ForbiddenError(refusal)
