"""The caller of one request, as access control sees it."""

from __future__ import annotations

import dataclasses

from auth.roles import Role, Scope


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, with which scopes, and why.

    Built once per request at the edge from the access token (or PUBLIC without one); every
    permission check and view filter reads it from the request context."""

    role: Role
    scopes: frozenset[Scope]
    client_id: str | None = None
    """The gateway client (our tokens) or the external token's client id."""
    subject: str | None = None
    issuer: str | None = None
    token_id: str | None = None
    purpose: str | None = None
    """The stated purpose of the access (`X-Purpose` header or the token's `purpose` claim)."""

    def has(self, scope: Scope) -> bool:
        """Whether the caller holds `scope`."""
        return scope in self.scopes

    @property
    def is_public(self) -> bool:
        return self.role is Role.PUBLIC


PUBLIC = Principal(role=Role.PUBLIC, scopes=frozenset())
"""Every caller that sends no credential."""
