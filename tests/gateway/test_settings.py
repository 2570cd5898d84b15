"""Settings: every wrong value stops start-up with a message naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import Settings, SettingsError


def test_hosts() -> None:
    for host in ("0.0.0.0", "::", "localhost", "gateway.internal"):
        assert Settings.from_env({"GATEWAY_HOST": host}).host == host


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s.database_url is None and s.cache_url is None
    assert s.host == "127.0.0.1" and s.port == 8000 and s.sync_enabled


def test_good_values(tmp_path: Path) -> None:
    cfg = tmp_path / "sources.toml"
    cfg.write_text("")
    s = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://u@db/credit",
            "CACHE_URL": "redis://cache:6379/0",
            "GATEWAY_DATA_DIR": str(tmp_path),
            "SOURCES_CONFIG": str(cfg),
            "GATEWAY_PORT": "9000",
            "GATEWAY_SYNC": "off",
            "GATEWAY_REFRESH_TIMEOUT": "1.5",
        }
    )
    assert s.port == 9000 and not s.sync_enabled and s.sources_config == cfg
    assert s.refresh_timeout == 1.5


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://x/y", "postgres"),
        ("DATABASE_URL", "not a url", "postgres"),
        ("CACHE_URL", "memcached://x", "redis"),
        ("SOURCES_CONFIG", "/nonexistent/sources.toml", "existing TOML file"),
        ("KEY_AREA_RULES", "/nonexistent/rules.toml", "existing TOML file"),
        ("GATEWAY_PORT", "eighty", "whole number"),
        ("GATEWAY_PORT", "0", "whole number from 1 to 65535"),
        ("GATEWAY_PORT", "70000", "whole number from 1 to 65535"),
        ("GATEWAY_SYNC", "maybe", "true/false"),
        ("GATEWAY_REFRESH_TIMEOUT", "-1", "number of seconds"),
        ("GATEWAY_REFRESH_TIMEOUT", "soon", "number of seconds"),
        ("GATEWAY_PRODUCTION", "2", "true/false"),
        ("GATEWAY_HOST", "0.0.0.0; rm -rf /", "IP address or a host name"),
        ("GATEWAY_HOST", "-bad-.example", "IP address or a host name"),
        ("GATEWAY_DATA_DIR", __file__, "a folder"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({variable: value})
    assert info.value.variable == variable
    assert variable in str(info.value) and expected in str(info.value)
