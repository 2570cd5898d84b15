"""Settings read once from environment variables and validated at start-up."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
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
    host: str
    port: int
    sync_enabled: bool
    refresh_timeout: float
    production: bool

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
            host=_host(env),
            port=_int(env, "GATEWAY_PORT", 8000, 1, 65535),
            sync_enabled=_bool(env, "GATEWAY_SYNC", True),
            refresh_timeout=_float(env, "GATEWAY_REFRESH_TIMEOUT", 2.0, 0.05, 60.0),
            production=_bool(env, "GATEWAY_PRODUCTION", False),
        )


def _default_data_dir() -> str:
    return str(Path.home() / ".local" / "share" / "credit-gateway")


def _data_dir(env: Mapping[str, str]) -> Path:
    path = Path(env.get("GATEWAY_DATA_DIR") or _default_data_dir()).expanduser()
    if path.exists() and not path.is_dir():
        raise SettingsError("GATEWAY_DATA_DIR", "a folder (it is created if missing)", str(path))
    return path


_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


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
