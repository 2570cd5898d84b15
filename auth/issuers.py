"""Other issuers whose access tokens the gateway accepts, and the cache of their public keys.

The issuers come from a TOML file of `[[issuer]]` tables (docs/auth-issuers.md). Each one is
trusted for one role and at most a fixed set of scopes, whatever its tokens claim.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import time
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key, RSAKey

from auth.roles import ROLE_SCOPES, Role, Scope

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "ES256", "EdDSA", "PS256")
"""Algorithms an external issuer may sign with; symmetric ones and `none` never."""
_KEYS = (
    "issuer", "jwks_url", "audience", "algorithms", "role", "scopes",
    "purpose_claim", "client_id_claim",
)
_REFUSED_ROLES = (Role.PUBLIC, Role.ADMIN)
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_CLAIM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}\Z")
_WORD = re.compile(r"^[^\s\x00-\x1f\x7f]{1,300}\Z")


class IssuerConfigError(ValueError):
    """A wrong value in the issuers file; names the `[[issuer]]` entry and the key."""

    def __init__(self, key: str, problem: str, entry: str | None = None) -> None:
        where = f"{entry}: " if entry else ""
        super().__init__(f"{where}{key}: {problem}")
        self.key = key
        self.problem = problem
        self.entry = entry

    def within(self, entry: str) -> IssuerConfigError:
        """The same error, naming the entry it was found in."""
        return IssuerConfigError(self.key, self.problem, entry)


@dataclasses.dataclass(frozen=True, slots=True)
class ExternalIssuer:
    """An issuer whose tokens are accepted, and what its callers may do."""

    issuer: str
    jwks_url: str
    audience: str
    """The `aud` its tokens must carry for this gateway."""
    algorithms: tuple[str, ...]
    role: Role = Role.PARTNER
    scopes: frozenset[Scope] = frozenset()
    """The most its tokens may carry (empty: all of the role's); a token's `scope` is
    intersected with these."""
    purpose_claim: str = "purpose"
    client_id_claim: str = "client_id"
    """Claim naming the calling client; `azp`, then `sub`, when it is absent."""

    def __post_init__(self) -> None:
        _check_text("issuer", self.issuer)
        _check_text("audience", self.audience)
        _check_jwks_url(self.jwks_url)
        _check_algorithms(self.algorithms)
        _check_role(self.role)
        if not self.scopes:
            object.__setattr__(self, "scopes", ROLE_SCOPES[self.role])
        _check_scopes(self.role, self.scopes)
        _check_claim_name("purpose_claim", self.purpose_claim)
        _check_claim_name("client_id_claim", self.client_id_claim)


def load_issuers(path: Path) -> list[ExternalIssuer]:
    """The issuers of a TOML file of `[[issuer]]` tables; raises IssuerConfigError."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise IssuerConfigError("file", f"cannot read the TOML: {error}", str(path)) from None
    unknown = sorted(set(document) - {"issuer"})
    if unknown:
        raise IssuerConfigError(unknown[0], "unknown key (expected [[issuer]] tables)", str(path))
    entries = document.get("issuer", [])
    if not isinstance(entries, list):
        raise IssuerConfigError("issuer", "expected [[issuer]] tables", str(path))
    issuers = [_entry(path, number, entry) for number, entry in enumerate(entries, 1)]
    _check_unique(path, issuers)
    return issuers


def _entry(path: Path, number: int, entry: Any) -> ExternalIssuer:
    """One `[[issuer]]` table; errors name it by position and issuer."""
    label = f"{path} [[issuer]] #{number}"
    if isinstance(entry, dict) and isinstance(entry.get("issuer"), str):
        label += f" ({entry['issuer']})"
    try:
        return _build(entry)
    except IssuerConfigError as error:
        raise error.within(label) from None


def _build(entry: Any) -> ExternalIssuer:
    if not isinstance(entry, dict):
        raise IssuerConfigError("issuer", "expected a table")
    for key in entry:
        if key not in _KEYS:
            raise IssuerConfigError(key, f"unknown key (known: {', '.join(_KEYS)})")
    role = _role(entry.get("role", Role.PARTNER.value))
    return ExternalIssuer(
        issuer=_string(entry, "issuer"),
        jwks_url=_string(entry, "jwks_url"),
        audience=_string(entry, "audience"),
        algorithms=tuple(_strings(entry, "algorithms")),
        role=role,
        scopes=_scopes(entry.get("scopes")),
        purpose_claim=_string(entry, "purpose_claim", "purpose"),
        client_id_claim=_string(entry, "client_id_claim", "client_id"),
    )


def _string(entry: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if value is None:
        raise IssuerConfigError(key, "missing")
    if not isinstance(value, str):
        raise IssuerConfigError(key, f"expected a string, got {value!r}")
    return value


def _strings(entry: Mapping[str, Any], key: str) -> list[str]:
    value = entry.get(key)
    if value is None:
        raise IssuerConfigError(key, "missing")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise IssuerConfigError(key, f"expected a list of strings, got {value!r}")
    return value


def _role(value: Any) -> Role:
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role if r not in _REFUSED_ROLES)
        raise IssuerConfigError("role", f"expected one of {names}, got {value!r}") from None


def _scopes(value: Any) -> frozenset[Scope]:
    if value is None:
        return frozenset()
    if value == []:
        raise IssuerConfigError("scopes", "expected at least one scope (omit it for the role's)")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise IssuerConfigError("scopes", f"expected a list of scope names, got {value!r}")
    try:
        return frozenset(Scope(item) for item in value)
    except ValueError as error:
        raise IssuerConfigError("scopes", str(error)) from None


def _check_unique(path: Path, issuers: list[ExternalIssuer]) -> None:
    seen: set[str] = set()
    for number, issuer in enumerate(issuers, 1):
        if issuer.issuer in seen:
            label = f"{path} [[issuer]] #{number} ({issuer.issuer})"
            raise IssuerConfigError("issuer", "configured twice", label)
        seen.add(issuer.issuer)


def _check_text(key: str, value: str) -> None:
    if not _WORD.match(value):
        raise IssuerConfigError(key, f"expected 1 to 300 characters without spaces, got {value!r}")


def _check_jwks_url(value: str) -> None:
    parts = urlsplit(value)
    loopback = parts.scheme == "http" and parts.hostname in _LOOPBACK
    if (parts.scheme != "https" and not loopback) or not parts.hostname or parts.fragment:
        raise IssuerConfigError(
            "jwks_url", f"expected an https URL (http only on 127.0.0.1/localhost), got {value!r}"
        )


def _check_algorithms(values: tuple[str, ...]) -> None:
    if not values:
        raise IssuerConfigError("algorithms", f"expected at least one of {', '.join(ALGORITHMS)}")
    for value in values:
        if value not in ALGORITHMS:
            why = "symmetric and unsigned tokens are refused; " if _weak(value) else ""
            raise IssuerConfigError(
                "algorithms", f"{why}expected some of {', '.join(ALGORITHMS)}, got {value!r}"
            )


def _weak(algorithm: str) -> bool:
    return algorithm.lower() == "none" or algorithm.upper().startswith("HS")


def _check_role(role: Role) -> None:
    if role in _REFUSED_ROLES:
        raise IssuerConfigError("role", f"{role.value} may not be given to an external issuer")


def _check_scopes(role: Role, scopes: frozenset[Scope]) -> None:
    beyond = sorted(scopes - ROLE_SCOPES[role])
    if beyond:
        raise IssuerConfigError("scopes", f"role {role.value} may not hold {', '.join(beyond)}")


def _check_claim_name(key: str, value: str) -> None:
    if not _CLAIM_NAME.match(value):
        raise IssuerConfigError(key, f"expected a claim name, got {value!r}")


class JwksUnavailable(Exception):
    """The issuer's keys could not be fetched or read (the reason is for the log only)."""


_MAX_JWKS_BYTES = 256 * 1024
_MIN_RSA_BITS = 2048


class JwksCache:
    """An issuer's public keys, fetched on first use and again when a token names a new kid.

    Fetches (successful or not) happen at most once per `min_refetch_seconds`, and callers
    arriving together share one fetch. Keys older than `max_age_seconds` are refetched, and
    kept if that fails, so a brief outage of the issuer does not stop its callers."""

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        min_refetch_seconds: float = 60.0,
        *,
        max_age_seconds: float = 3600.0,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._client = client
        self._min_refetch = min_refetch_seconds
        self._max_age = max_age_seconds
        self._timeout = httpx.Timeout(timeout)
        self._clock = clock
        self._lock = asyncio.Lock()
        self._keys: dict[str, Key] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._finished = 0
        """Fetches ended (well or not): a caller that saw it change need not fetch again."""
        self._failed = False

    async def key_for(self, kid: str) -> Key | None:
        """The issuer's key `kid`, or None when the issuer does not publish it.

        Raises JwksUnavailable when the keys could not be fetched to check."""
        key = None if self._stale() else self._keys.get(kid)
        if key is None:
            await self._refresh()
            key = self._keys.get(kid)
        if key is None and self._failed:
            raise JwksUnavailable(self.url)
        return key

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > self._max_age

    async def _refresh(self) -> None:
        """Fetch the keys unless a fetch ended while we waited or the last one is too recent."""
        seen = self._finished
        async with self._lock:
            now = self._clock()
            if self._finished != seen:
                return
            if self._attempted_at is not None and now - self._attempted_at < self._min_refetch:
                return
            self._attempted_at = now
            try:
                self._keys = await self._fetch()
            except JwksUnavailable as error:
                self._failed = True
                log.warning("keys of %s unavailable: %s", self.url, error)
            else:
                self._fetched_at = now
                self._failed = False
            finally:
                self._finished += 1

    async def _fetch(self) -> dict[str, Key]:
        try:
            async with self._client.stream(
                "GET", self.url, timeout=self._timeout, follow_redirects=False,
                headers={"Accept": "application/jwk-set+json, application/json"},
            ) as response:
                if response.status_code != 200:
                    raise JwksUnavailable(f"HTTP {response.status_code}")
                body = await _read_capped(response, _MAX_JWKS_BYTES)
        except httpx.HTTPError as error:
            raise JwksUnavailable(f"{type(error).__name__}: {error}") from None
        return parse_jwks(body)


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise JwksUnavailable(f"JWKS larger than {limit} bytes")
    return bytes(body)


def parse_jwks(body: bytes) -> dict[str, Key]:
    """Signature keys of a JWK Set by kid; keys it cannot use are skipped (RFC 7517 §5)."""
    try:
        document = json.loads(body)
    except ValueError:
        raise JwksUnavailable("JWKS is not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksUnavailable("JWKS has no keys list")
    keys: dict[str, Key] = {}
    for entry in document["keys"]:
        key = _usable_key(entry)
        if key is not None and key.kid is not None:
            keys.setdefault(key.kid, key)
    if not keys:
        raise JwksUnavailable("JWKS has no usable signature key")
    return keys


def _usable_key(entry: Any) -> Key | None:
    if not isinstance(entry, dict) or entry.get("kty") not in ("RSA", "EC", "OKP"):
        return None
    if entry.get("use", "sig") != "sig":
        return None
    try:
        key = JWKRegistry.import_key(entry)
    except (JoseError, ValueError, TypeError, KeyError):
        return None
    if isinstance(key, RSAKey) and key.public_key.key_size < _MIN_RSA_BITS:
        return None
    key.ensure_kid()
    return key
