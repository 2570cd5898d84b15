"""JWT access tokens (RFC 9068 shape): issuing the gateway's own, verifying ours and those
of configured external issuers.

Verification reads the header and the unverified `iss` only to choose whose keys and which
algorithms apply; keys come from the gateway's key folder or the issuer's configured JWKS,
never from the token (`jwk`, `jku`, `x5u`, `x5c` are ignored).
"""

from __future__ import annotations

import asyncio
import binascii
import collections
import dataclasses
import datetime as dt
import functools
import json
import math
import re
import secrets
from collections.abc import Callable, Collection, Sequence
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwa import JWSAlgModel
from joserfc.jwk import Key
from joserfc.util import urlsafe_b64decode

from auth.issuers import ExternalIssuer, JwksCache, JwksUnavailable
from auth.keys import ALGORITHM, SigningKeys
from gateway.clock import utcnow

MAX_TOKEN_LENGTH = 8192
TOKEN_TYPES = ("at+jwt", "application/at+jwt")
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\Z")
_LATEST_INSTANT = 253402300799  # 9999-12-31T23:59:59Z: later values cannot be datetimes
_OWN_REQUIRED = ("iss", "sub", "exp", "iat", "jti")
_EXTERNAL_REQUIRED = ("iss", "sub", "exp")


class InvalidToken(Exception):
    """A token is refused; `reason` is short and safe to show the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True, slots=True)
class VerifiedToken:
    """What a verified access token says about its caller."""

    issuer: str
    subject: str
    client_id: str
    scopes: str
    """Space-separated scopes (for external tokens: only those the issuer may grant)."""
    role: str | None
    purpose: str | None
    token_id: str | None
    expires_at: dt.datetime
    own: bool
    """Issued by this gateway (else by a configured external issuer)."""
    claims: dict[str, Any]


class _Algorithms(jws.JWSRegistry):
    """Only the given algorithms. EdDSA is chosen on purpose, so joserfc's RFC 9864 notice
    is not raised as a warning on every token."""

    def get_alg(self, name: str) -> JWSAlgModel:
        if not self.allowed or name not in self.allowed or name not in self.algorithms:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return self.algorithms[name]


def _registry(algorithms: Collection[str]) -> jws.JWSRegistry:
    return _registry_of(tuple(sorted(algorithms)))


@functools.lru_cache(maxsize=32)
def _registry_of(algorithms: tuple[str, ...]) -> jws.JWSRegistry:
    return _Algorithms(algorithms=list(algorithms), strict_check_header=False)


def issue_access_token(
    keys: SigningKeys,
    *,
    issuer: str,
    audience: str,
    client_id: str,
    role: str,
    scopes: str,
    ttl: int,
    now: dt.datetime,
    purpose: str | None = None,
) -> str:
    """A signed access token for `client_id`, valid `ttl` seconds from `now`."""
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    if ttl <= 0:
        raise ValueError("ttl must be positive")
    issued = int(now.timestamp())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": client_id,
        "client_id": client_id,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": secrets.token_urlsafe(16),
        "scope": scopes,
        "roles": [role],
    }
    if purpose is not None:
        claims["purpose"] = purpose
    return sign_jwt(keys, claims, "at+jwt")


def sign_jwt(keys: SigningKeys, claims: dict[str, Any], typ: str) -> str:
    """`claims` as a compact JWS signed by the newest key, its kid in the header."""
    key = keys.signing_key
    header = {"typ": typ, "alg": ALGORITHM, "kid": keys.signing_kid}
    return jwt.encode(header, claims, key, registry=_registry([ALGORITHM]), default_type=None)


_SIGNING_TURN = 64
"""Tokens signed between turns of the event loop: a few milliseconds of work."""


async def sign_jwts(keys: SigningKeys, claims: Sequence[dict[str, Any]], typ: str) -> list[str]:
    """`sign_jwt` of each claims set, in order, yielding to the event loop between small
    chunks so that a large batch does not hold up the process's other requests. (Threads
    signed 1,000 tokens slower, not faster: the bare signature lets the GIL go, but most of a
    token's time is the library's Python work around it, and the hand-overs cost more.)"""
    tokens: list[str] = []
    for start in range(0, len(claims), _SIGNING_TURN):
        if start:
            await asyncio.sleep(0)
        tokens += _sign_all(keys, claims[start : start + _SIGNING_TURN], typ)
    return tokens


def _sign_all(keys: SigningKeys, claims: Sequence[dict[str, Any]], typ: str) -> list[str]:
    return [sign_jwt(keys, c, typ) for c in claims]


@dataclasses.dataclass(frozen=True, slots=True)
class _Trust:
    """What applies to the tokens of one issuer."""

    issuer: str
    audience: str
    algorithms: frozenset[str]
    external: ExternalIssuer | None = None
    cache: JwksCache | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class _Parts:
    header: dict[str, Any]
    claims: dict[str, Any]


class TokenVerifier:
    """Checks access tokens of the gateway and of the configured external issuers.

    External issuers' keys are fetched with `http` (owned by the caller) and cached."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: SigningKeys,
        external: Sequence[ExternalIssuer] = (),
        leeway: int = 30,
        *,
        http: httpx.AsyncClient | None = None,
        jwks_refetch_seconds: float = 60.0,
        jwks_clock: Callable[[], float] | None = None,
    ) -> None:
        if leeway < 0:
            raise ValueError("leeway must not be negative")
        self.keys = keys
        self.leeway = leeway
        self._own = _Trust(issuer, audience, frozenset({ALGORITHM}))
        self._external = {
            item.issuer: _external_trust(item, http, jwks_refetch_seconds, jwks_clock)
            for item in external
        }
        if issuer in self._external:
            raise ValueError(f"external issuer {issuer!r} is the gateway itself")
        self._signatures = _CheckedSignatures()

    async def verify(self, token: str, now: dt.datetime | None = None) -> VerifiedToken:
        """The token's content once every check passed; raises InvalidToken otherwise."""
        now = utcnow() if now is None else now
        if now.tzinfo is None:
            raise ValueError("now must carry a time zone")
        parts = _split(token)
        trust = self._trust_for(parts.claims)
        algorithm, kid = _check_header(parts.header, trust)
        key = await self._key(trust, kid)
        self._signatures.check(token, key, algorithm)
        _check_claims(parts.claims, trust, now.timestamp(), self.leeway)
        if trust.external is None:
            return _own_token(parts.claims)
        return _external_token(parts.claims, trust.external)

    def _trust_for(self, claims: dict[str, Any]) -> _Trust:
        issuer = claims.get("iss")
        if not isinstance(issuer, str):
            raise InvalidToken("missing claim: iss")
        if issuer == self._own.issuer:
            return self._own
        trust = self._external.get(issuer)
        if trust is None:
            raise InvalidToken("unknown issuer")
        return trust

    async def _key(self, trust: _Trust, kid: str) -> Key:
        if trust.cache is None:
            key: Key | None = self.keys.find(kid)
        else:
            try:
                key = await trust.cache.key_for(kid)
            except JwksUnavailable:
                raise InvalidToken("issuer keys unavailable") from None
        if key is None:
            raise InvalidToken("unknown key id")
        return key


def _external_trust(
    issuer: ExternalIssuer,
    http: httpx.AsyncClient | None,
    refetch: float,
    clock: Callable[[], float] | None,
) -> _Trust:
    if http is None:
        raise ValueError("external issuers need an HTTP client to fetch their keys")
    if clock is None:
        cache = JwksCache(issuer.jwks_url, http, refetch)
    else:
        cache = JwksCache(issuer.jwks_url, http, refetch, clock=clock)
    return _Trust(issuer.issuer, issuer.audience, frozenset(issuer.algorithms), issuer, cache)


def _split(token: str) -> _Parts:
    """Header and claims of a compact JWS, unverified."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed token")
    if not _COMPACT.match(token):
        raise InvalidToken("malformed token")
    header_part, payload_part, _ = token.split(".")
    return _Parts(_json_object(header_part), _json_object(payload_part))


def _json_object(part: str) -> dict[str, Any]:
    try:
        value = json.loads(urlsafe_b64decode(part.encode("ascii")), parse_constant=_no_constant)
    except (binascii.Error, ValueError):
        raise InvalidToken("malformed token") from None
    if not isinstance(value, dict):
        raise InvalidToken("malformed token")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_header(header: dict[str, Any], trust: _Trust) -> tuple[str, str]:
    """The algorithm and key id, once both are acceptable for this issuer."""
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in trust.algorithms:
        raise InvalidToken("algorithm not allowed")
    if "crit" in header or "b64" in header:
        raise InvalidToken("unsupported token header")
    if trust.external is None and not _is_access_token_type(header.get("typ")):
        raise InvalidToken("wrong token type")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("missing key id")
    return algorithm, kid


def _is_access_token_type(value: Any) -> bool:
    return isinstance(value, str) and value.lower() in TOKEN_TYPES


class _CheckedSignatures:
    """The tokens whose signature checked out lately, each with the key that checked it.

    A client sends the same token with every request until it expires; its signature is
    checked once per key object, so a retired key (no longer found) or an issuer's refetched
    key set checks it again. Times and audience are still checked on every request."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._seen: collections.OrderedDict[str, Key] = collections.OrderedDict()

    def check(self, token: str, key: Key, algorithm: str) -> None:
        """Raise InvalidToken unless `token` is signed by `key` with `algorithm`."""
        if self._seen.get(token) is key:
            self._seen.move_to_end(token)
            return
        _check_signature(token, key, algorithm)
        self._seen[token] = key
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)


def _check_signature(token: str, key: Key, algorithm: str) -> None:
    try:
        jws.deserialize_compact(token, key, registry=_registry([algorithm]))
    except (JoseError, ValueError):
        raise InvalidToken("invalid signature") from None


def _check_claims(claims: dict[str, Any], trust: _Trust, now: float, leeway: int) -> None:
    required = _OWN_REQUIRED if trust.external is None else _EXTERNAL_REQUIRED
    for name in required:
        if name not in claims:
            raise InvalidToken(f"missing claim: {name}")
    _check_times(claims, now, leeway)
    if not _has_audience(claims.get("aud"), trust.audience):
        raise InvalidToken("wrong audience")
    for name in ("sub", "jti", "client_id", "azp", "scope", "purpose"):
        if name in claims and not isinstance(claims[name], str):
            raise InvalidToken(f"invalid claim: {name}")


def _check_times(claims: dict[str, Any], now: float, leeway: int) -> None:
    if _instant(claims, "exp") + leeway < now:
        raise InvalidToken("token expired")
    if "nbf" in claims and _instant(claims, "nbf") - leeway > now:
        raise InvalidToken("token not yet valid")
    if "iat" in claims and _instant(claims, "iat") - leeway > now:
        raise InvalidToken("token issued in the future")


def _instant(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"invalid claim: {name}")
    if not math.isfinite(value) or not 0 <= value <= _LATEST_INSTANT:
        raise InvalidToken(f"invalid claim: {name}")
    return float(value)


def _has_audience(value: Any, expected: str) -> bool:
    if isinstance(value, str):
        return value == expected
    return isinstance(value, list) and expected in value


def _own_token(claims: dict[str, Any]) -> VerifiedToken:
    roles = claims.get("roles")
    if roles is not None and (not isinstance(roles, list) or len(roles) != 1):
        raise InvalidToken("invalid claim: roles")
    role = roles[0] if roles else None
    if role is not None and not isinstance(role, str):
        raise InvalidToken("invalid claim: roles")
    return VerifiedToken(
        issuer=claims["iss"],
        subject=claims["sub"],
        client_id=claims.get("client_id", claims["sub"]),
        scopes=claims.get("scope", ""),
        role=role,
        purpose=claims.get("purpose"),
        token_id=claims["jti"],
        expires_at=_datetime(claims["exp"]),
        own=True,
        claims=claims,
    )


def _external_token(claims: dict[str, Any], issuer: ExternalIssuer) -> VerifiedToken:
    granted = {scope.value for scope in issuer.scopes}
    asked = claims.get("scope", "").split()
    return VerifiedToken(
        issuer=claims["iss"],
        subject=claims["sub"],
        client_id=_external_client_id(claims, issuer.client_id_claim),
        scopes=" ".join(sorted(granted.intersection(asked))),
        role=issuer.role.value,
        purpose=_optional_string(claims, issuer.purpose_claim),
        token_id=claims.get("jti"),
        expires_at=_datetime(claims["exp"]),
        own=False,
        claims=claims,
    )


def _external_client_id(claims: dict[str, Any], claim: str) -> str:
    for name in (claim, "azp", "sub"):
        value = _optional_string(claims, name)
        if value:
            return value
    raise InvalidToken("missing claim: sub")


def _optional_string(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidToken(f"invalid claim: {name}")
    return value


def _datetime(instant: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(instant, dt.UTC)
