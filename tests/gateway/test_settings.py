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
    assert s.workers == 1


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
        ("RULES_CONFIG", "/nonexistent/rules.toml", "existing TOML file"),
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
        ("GATEWAY_WORKERS", "0", "whole number from 1 to 64"),
        ("GATEWAY_WORKERS", "65", "whole number from 1 to 64"),
        ("GATEWAY_WORKERS", "two", "whole number from 1 to 64"),
        ("GATEWAY_WORKERS", "1.5", "whole number from 1 to 64"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({variable: value})
    assert info.value.variable == variable
    assert variable in str(info.value) and expected in str(info.value)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GATEWAY_ISSUER", "ftp://gateway", "http(s) URL"),
        ("GATEWAY_ISSUER", "https://gateway/?x=1", "without query"),
        ("GATEWAY_ISSUER", "gateway.example", "http(s) URL"),
        ("GATEWAY_AUDIENCE", "two words", "letters, digits"),
        ("GATEWAY_TOKEN_TTL", "59", "whole number from 60 to 86400"),
        ("GATEWAY_TOKEN_TTL", "ten", "whole number"),
        ("GATEWAY_KEYS_DIR", __file__, "a folder"),
        ("AUTH_ISSUERS", "/nonexistent/issuers.toml", "existing TOML file"),
        ("GATEWAY_AUTH", "sometimes", "true/false"),
        ("GATEWAY_AUDIT", "2", "true/false"),
        ("GATEWAY_CORS_ORIGINS", "portal.example", "origins like"),
        ("GATEWAY_CORS_ORIGINS", "https://portal.example/path", "origins like"),
        ("GATEWAY_MAX_BODY_BYTES", "10", "whole number from 1024"),
        ("GATEWAY_RATE_LIMIT_CLIENT", "lots", "a quota like"),
        ("GATEWAY_RATE_LIMIT_ADDRESS", "5 per fortnight", "a quota like"),
        ("GATEWAY_MAX_DEPTH", "1", "whole number from 2 to 100"),
        ("GATEWAY_MAX_ALIASES", "0", "whole number from 1"),
        ("GATEWAY_MAX_TOKENS", "10", "whole number from 50"),
        ("GATEWAY_MAX_COST", "-5", "whole number from 10"),
    ],
)
def test_bad_edge_values_name_the_variable(variable: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({variable: value})
    assert info.value.variable == variable
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"GATEWAY_AUTH": "false"}, "GATEWAY_AUTH"),
        ({"GATEWAY_AUDIT": "false"}, "GATEWAY_AUDIT"),
        ({"GATEWAY_ISSUER": "http://gateway.example"}, "GATEWAY_ISSUER"),
        ({}, "GATEWAY_ISSUER"),
    ],
)
def test_production_mode_refuses_what_is_only_for_development(
    env: dict[str, str], variable: str
) -> None:
    base = {"GATEWAY_PRODUCTION": "true", "GATEWAY_ISSUER": "https://credit.st.gov.cn"}
    with pytest.raises(SettingsError) as info:
        Settings.from_env({**base, **env} if env else {"GATEWAY_PRODUCTION": "true"})
    assert info.value.variable == variable


def test_edge_defaults_and_good_values(tmp_path: Path) -> None:
    s = Settings.from_env({"GATEWAY_PORT": "9000", "GATEWAY_DATA_DIR": str(tmp_path)})
    assert s.issuer == "http://127.0.0.1:9000" and s.audience == "credit-gateway"
    assert s.token_ttl == 600 and s.keys_dir == tmp_path / "keys"
    assert s.auth_enabled and s.audit_enabled and s.cors_origins == ()
    s = Settings.from_env({
        "GATEWAY_PRODUCTION": "yes", "GATEWAY_ISSUER": "https://credit.st.gov.cn/",
        "GATEWAY_CORS_ORIGINS": "https://xyst.shantou.gov.cn, https://portal.example:8443",
        "GATEWAY_RATE_LIMIT_CLIENT": "10/second;1000/hour"})
    assert s.issuer == "https://credit.st.gov.cn"
    assert s.cors_origins == ("https://xyst.shantou.gov.cn", "https://portal.example:8443")
