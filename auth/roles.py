"""Roles and scopes: what each kind of caller may see and do.

A client has one role; its tokens carry the role's default scopes unless the client was given
fewer. The table in the README is generated from `ROLE_SCOPES` (tests check they agree).
"""

from __future__ import annotations

import enum


class Scope(enum.StrEnum):
    """Permissions a token can carry (the OAuth2 `scope` values)."""

    PROFILE_READ = "profile:read"
    """Every record of a profile, not only what is under publicity (needs a stated purpose)."""
    PROFILE_HISTORY = "profile:history"
    """Profiles as they stood at a past instant (`enterprise(asOf:)`)."""
    PERSONAL_READ = "personal:read"
    """Personal data unmasked: identity and phone numbers, a natural person's home address."""
    CREDIT_VERIFY = "credit:verify"
    RISK_READ = "risk:read"
    LISTS_WRITE = "lists:write"
    REPAIR_WRITE = "repair:write"
    INSPECTION_WRITE = "inspection:write"
    COMMITMENTS_WRITE = "commitments:write"
    """Record commitments and their checks; an association only for its member enterprises."""
    CLIENTS_ADMIN = "clients:admin"
    AUDIT_READ = "audit:read"
    SOURCES_WRITE = "sources:write"
    """Reserved for department systems that push records (no push endpoint yet)."""


class Role(enum.StrEnum):
    """Who a client is. `public` is every caller without a token."""

    PUBLIC = "public"
    PARTNER = "partner"
    PROCUREMENT = "procurement"
    MARKET_ACCESS = "market_access"
    ASSOCIATION = "association"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SOURCE = "source"


S = Scope
ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.PUBLIC: frozenset(),
    Role.PARTNER: frozenset({S.PROFILE_READ, S.PROFILE_HISTORY}),
    Role.PROCUREMENT: frozenset({S.CREDIT_VERIFY}),
    Role.MARKET_ACCESS: frozenset({S.CREDIT_VERIFY, S.PROFILE_READ}),
    Role.ASSOCIATION: frozenset({S.CREDIT_VERIFY, S.COMMITMENTS_WRITE}),
    Role.SUPERVISOR: frozenset(
        {
            S.PROFILE_READ,
            S.PROFILE_HISTORY,
            S.PERSONAL_READ,
            S.CREDIT_VERIFY,
            S.RISK_READ,
            S.LISTS_WRITE,
            S.REPAIR_WRITE,
            S.INSPECTION_WRITE,
            S.COMMITMENTS_WRITE,
            S.AUDIT_READ,
        }
    ),
    Role.ADMIN: frozenset({S.CLIENTS_ADMIN, S.AUDIT_READ}),
    Role.SOURCE: frozenset({S.SOURCES_WRITE}),
}
"""The scopes a role may hold; a client gets all of them unless it was given fewer."""

ROLE_PURPOSE: dict[Role, str] = {
    Role.PUBLIC: "public publicity view",
    Role.PARTNER: "profiles of enterprises for a stated purpose",
    Role.PROCUREMENT: "credit verification before awards and subsidies",
    Role.MARKET_ACCESS: "credit verification and profiles for registration changes",
    Role.ASSOCIATION: "credit verification for membership and honours",
    Role.SUPERVISOR: "risk, lists, repair, inspections, audit",
    Role.ADMIN: "clients and the audit trail",
    Role.SOURCE: "department systems that deliver records",
}


class ScopeError(ValueError):
    """Scopes asked for that are unknown or beyond the role."""


def parse_scopes(text: str | None) -> frozenset[Scope]:
    """Scopes from a space-separated OAuth2 `scope` string; unknown ones raise ScopeError."""
    found: set[Scope] = set()
    for item in (text or "").split():
        try:
            found.add(Scope(item))
        except ValueError:
            raise ScopeError(f"unknown scope {item!r}") from None
    return frozenset(found)


def allowed_scopes(role: Role, asked: frozenset[Scope]) -> frozenset[Scope]:
    """The scopes a client of `role` gets when it asks for `asked` (empty: all of the role's).

    Raises ScopeError when it asks for a scope its role may not hold."""
    granted = ROLE_SCOPES[role]
    beyond = asked - granted
    if beyond:
        names = ", ".join(sorted(beyond))
        raise ScopeError(f"role {role.value} may not hold {names}")
    return asked or granted


def scope_string(scopes: frozenset[Scope]) -> str:
    """The OAuth2 `scope` string: space-separated, sorted."""
    return " ".join(sorted(scopes))
