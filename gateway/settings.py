"""Settings read once from environment variables and validated at start-up."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A configuration value is wrong; the message names the variable and what is expected."""

    def __init__(self, variable: str, expected: str, got: str | None) -> None:
        super().__init__(f"{variable}: expected {expected}, got {got!r}")
        self.variable = variable


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Everything the gateway reads from its environment."""

    database_url: str | None
    cache_url: str | None
    data_dir: Path
    sources_config: Path | None
    key_area_rules: Path | None
    rules_config: Path | None
    """TOML corrections to the built-in rule sets and the working-day calendar."""
    host: str
    port: int
    sync_enabled: bool
    refresh_timeout: float
    production: bool
    issuer: str
    """`iss` of the gateway's tokens and the base of its OAuth2 metadata."""
    audience: str
    """`aud` the gateway's tokens carry and every accepted token must carry."""
    token_ttl: int
    """Seconds an access token stays valid."""
    keys_dir: Path
    """Folder of the gateway's signing keys (created, with a first key, when missing)."""
    external_issuers: Path | None
    """TOML file of other issuers whose tokens are accepted (see docs/auth-issuers.md)."""
    auth_enabled: bool
    """False serves every caller the full view without tokens: benchmarks only."""
    audit_enabled: bool
    cors_origins: tuple[str, ...]
    max_body_bytes: int
    rate_limit_client: str
    """Quota per client, in the `limits` notation (e.g. 1200/minute)."""
    rate_limit_address: str
    """Quota per client address for public callers."""
    max_depth: int
    max_aliases: int
    max_tokens: int
    max_cost: int
    authority: str
    """The bureau this gateway serves: the department of records its supervisors decide."""
    verification_max_staleness: int
    """Seconds a source's data may be old before a verification needing it is INDETERMINATE."""
    events_retention_days: int
    """Days the change feed keeps events (0: for ever)."""
    supervision_rules: Path | None = None
    """TOML file replacing the key-supervision rules and measures (gateway/supervision)."""
    risk_models: Path | None = None
    """TOML file of the credit-risk models (see docs/risk.md); None: the shipped models."""
    risk_follow: bool = True
    """Reassess enterprises as their records change (a background task of `serve`)."""
    workers: int = 1
    """Processes `serve` runs on the one port (each with its own pool and background tasks)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings; raises SettingsError on the first wrong value."""
        env = os.environ if env is None else env
        return cls(
            database_url=_url(env, "DATABASE_URL", ("postgres", "postgresql")),
            cache_url=_url(env, "CACHE_URL", ("memory", "redis", "rediss")),
            data_dir=_data_dir(env),
            sources_config=_existing_file(env, "SOURCES_CONFIG"),
            key_area_rules=_existing_file(env, "KEY_AREA_RULES"),
            supervision_rules=_existing_file(env, "SUPERVISION_RULES"),
            rules_config=_existing_file(env, "RULES_CONFIG"),
            host=_host(env),
            port=_int(env, "GATEWAY_PORT", 8000, 1, 65535),
            sync_enabled=_bool(env, "GATEWAY_SYNC", True),
            refresh_timeout=_float(env, "GATEWAY_REFRESH_TIMEOUT", 2.0, 0.05, 60.0),
            production=_bool(env, "GATEWAY_PRODUCTION", False),
            **_access_settings(env),
            risk_models=_existing_file(env, "RISK_MODELS"),
            risk_follow=_bool(env, "GATEWAY_RISK_FOLLOW", True),
            workers=_int(env, "GATEWAY_WORKERS", 1, 1, 64),
        )


def _default_data_dir() -> str:
    return str(Path.home() / ".local" / "share" / "credit-gateway")


def _data_dir(env: Mapping[str, str]) -> Path:
    path = Path(env.get("GATEWAY_DATA_DIR") or _default_data_dir()).expanduser()
    if path.exists() and not path.is_dir():
        raise SettingsError("GATEWAY_DATA_DIR", "a folder (it is created if missing)", str(path))
    return path


_HOSTNAME = re.compile(r"^(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z")


def _host(env: Mapping[str, str]) -> str:
    value = env.get("GATEWAY_HOST") or "127.0.0.1"
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if not _HOSTNAME.match(value):
            raise SettingsError("GATEWAY_HOST", "an IP address or a host name", value) from None
    return value


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    value = env.get(name)
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        expected = " or ".join(f"{s}://..." for s in schemes)
        raise SettingsError(name, f"a URL starting {expected}", value)
    return value


def _existing_file(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise SettingsError(name, "the path of an existing TOML file", value)
    return path


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(name, f"a whole number from {low} to {high}", value) from None
    if not low <= number <= high:
        raise SettingsError(name, f"a whole number from {low} to {high}", value)
    return number


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(name, f"a number of seconds from {low} to {high}", value) from None
    if not low <= number <= high:
        raise SettingsError(name, f"a number of seconds from {low} to {high}", value)
    return number


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise SettingsError(name, "one of true/false/1/0/yes/no/on/off", value)


def _access_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings of the edge: tokens, audit, quotas and request limits."""
    production = _bool(env, "GATEWAY_PRODUCTION", False)
    auth = _bool(env, "GATEWAY_AUTH", True)
    audit = _bool(env, "GATEWAY_AUDIT", True)
    if production and not auth:
        raise SettingsError(
            "GATEWAY_AUTH", "true when GATEWAY_PRODUCTION is on", env["GATEWAY_AUTH"]
        )
    if production and not audit:
        raise SettingsError(
            "GATEWAY_AUDIT", "true when GATEWAY_PRODUCTION is on", env["GATEWAY_AUDIT"]
        )
    port = _int(env, "GATEWAY_PORT", 8000, 1, 65535)
    return {
        "issuer": _issuer(env, f"http://{_host(env)}:{port}", production),
        "audience": _word(env, "GATEWAY_AUDIENCE", "credit-gateway"),
        "token_ttl": _int(env, "GATEWAY_TOKEN_TTL", 600, 60, 86400),
        "keys_dir": _keys_dir(env),
        "external_issuers": _existing_file(env, "AUTH_ISSUERS"),
        "auth_enabled": auth,
        "audit_enabled": audit,
        "cors_origins": _origins(env),
        "max_body_bytes": _int(env, "GATEWAY_MAX_BODY_BYTES", 1_048_576, 1024, 104_857_600),
        "rate_limit_client": _rate(env, "GATEWAY_RATE_LIMIT_CLIENT", "1200/minute"),
        "rate_limit_address": _rate(env, "GATEWAY_RATE_LIMIT_ADDRESS", "300/minute"),
        "max_depth": _int(env, "GATEWAY_MAX_DEPTH", 10, 2, 100),
        "max_aliases": _int(env, "GATEWAY_MAX_ALIASES", 30, 1, 1000),
        "max_tokens": _int(env, "GATEWAY_MAX_TOKENS", 2000, 50, 100_000),
        "max_cost": _int(env, "GATEWAY_MAX_COST", 25_000, 10, 10_000_000),
        "authority": _text(env, "GATEWAY_AUTHORITY", "汕头市市场监督管理局"),
        "verification_max_staleness": _int(
            env, "VERIFICATION_MAX_STALENESS", 86_400, 60, 30 * 86_400
        ),
        "events_retention_days": _int(env, "GATEWAY_EVENTS_RETENTION_DAYS", 180, 0, 36_500),
    }


_TEXT = re.compile(r"^[^\x00-\x1f\x7f]{1,200}\Z")


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip()
    if not _TEXT.match(value):
        raise SettingsError(name, "1 to 200 printable characters", value)
    return value


def _keys_dir(env: Mapping[str, str]) -> Path:
    value = env.get("GATEWAY_KEYS_DIR")
    path = Path(value).expanduser() if value else _data_dir(env) / "keys"
    if path.exists() and not path.is_dir():
        raise SettingsError("GATEWAY_KEYS_DIR", "a folder (it is created if missing)", str(path))
    return path


def _issuer(env: Mapping[str, str], default: str, production: bool) -> str:
    value = env.get("GATEWAY_ISSUER") or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError("GATEWAY_ISSUER", "an http(s) URL without query or fragment", value)
    if production and parts.scheme != "https":
        # Clients send their secrets to this address's token endpoint.
        raise SettingsError("GATEWAY_ISSUER", "the public https address in production", value)
    return value.rstrip("/")


_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}\Z")


def _word(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    if not _WORD.match(value):
        raise SettingsError(name, "letters, digits and . _ : / - (at most 200)", value)
    return value


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    value = env.get("GATEWAY_CORS_ORIGINS") or ""
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise SettingsError(
                "GATEWAY_CORS_ORIGINS", "comma-separated origins like https://portal.example", value
            )
    return origins


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    from limits import parse_many

    value = env.get(name) or default
    try:
        parse_many(value)
    except ValueError:
        raise SettingsError(name, "a quota like 600/minute or 10/second;1000/hour", value) from None
    return value
