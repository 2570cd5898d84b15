"""From a request's headers to its Principal: who calls, with which scopes, for what."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote

from auth.client_status import ClientStatus
from auth.principal import PUBLIC, Principal
from auth.roles import ROLE_SCOPES, Role, Scope, ScopeError, parse_scopes
from auth.tokens import InvalidToken, TokenVerifier, VerifiedToken

_PURPOSE = re.compile(r"^[^\x00-\x1f\x7f]{1,200}\Z")

UNCHECKED = Principal(
    role=Role.SUPERVISOR,
    scopes=frozenset(Scope),
    client_id="unauthenticated",
    purpose="access control disabled (GATEWAY_AUTH=false)",
)
"""Every caller when access control is off (never in production mode)."""


class Unauthenticated(Exception):
    """A credential was sent and is not valid; the message is safe to show the caller."""


class BadPurpose(ValueError):
    """The X-Purpose header is not a usable statement of purpose."""


class Authenticator:
    """Turns the Authorization and X-Purpose headers into a Principal."""

    def __init__(self, verifier: TokenVerifier, clients: ClientStatus, enabled: bool = True):
        self._verifier = verifier
        self._clients = clients
        self._enabled = enabled

    async def principal(self, headers: Mapping[str, str]) -> Principal:
        """PUBLIC without a credential; raises Unauthenticated for a bad one."""
        if not self._enabled:
            return UNCHECKED
        purpose = stated_purpose(headers)  # checked even for the public: a bad one is a bug
        authorization = headers.get("authorization")
        if not authorization:
            return PUBLIC
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("send an access token as 'Authorization: Bearer <token>'")
        try:
            verified = await self._verifier.verify(token.strip())
        except InvalidToken as exc:
            raise Unauthenticated(str(exc)) from None
        if verified.own and not await self._clients.is_active(verified.client_id or ""):
            raise Unauthenticated("the client is disabled")
        return _principal(verified, purpose)


def _principal(token: VerifiedToken, purpose: str | None) -> Principal:
    try:
        role = Role(token.role or "")
        scopes = parse_scopes(token.scopes)
    except (ValueError, ScopeError):
        raise Unauthenticated("the token's role or scope is not one this gateway knows") from None
    if role is Role.PUBLIC:
        raise Unauthenticated("the token's role is not one a client may have")
    # Another issuer names its clients as it likes: qualified by the issuer, its ids can never
    # pass for one of ours (verifications, quotas and audit rows are kept by client id).
    client_id = token.client_id if token.own else f"{token.issuer}#{token.client_id}"
    return Principal(
        role=role,
        scopes=scopes & ROLE_SCOPES[role],
        client_id=client_id,
        subject=token.subject,
        issuer=token.issuer,
        token_id=token.token_id,
        purpose=purpose or token.purpose,
    )


def stated_purpose(headers: Mapping[str, str]) -> str | None:
    """The X-Purpose header (percent-encoded UTF-8 allowed, for Chinese text), or None."""
    raw = headers.get("x-purpose")
    if raw is None:
        return None
    try:
        text = unquote(raw, errors="strict").strip()
    except UnicodeDecodeError:
        text = ""
    if not _PURPOSE.match(text):
        raise BadPurpose("X-Purpose is 1 to 200 printable characters (percent-encode non-ASCII)")
    return text
