"""External issuers: the TOML file and its bad values; the JWKS cache against loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

from auth.issuers import (
    ExternalIssuer,
    IssuerConfigError,
    JwksCache,
    JwksUnavailable,
    load_issuers,
    parse_jwks,
)
from auth.roles import ROLE_SCOPES, Role, Scope
from tests.auth import Clock, IssuerApi, serve_issuer

FULL = """
[[issuer]]
issuer = "https://id.gd.example.gov.cn"
jwks_url = "https://id.gd.example.gov.cn/oauth/jwks"
audience = "gd-credit"
algorithms = ["RS256", "ES256"]
role = "market_access"
scopes = ["credit:verify"]
purpose_claim = "gd_purpose"
client_id_claim = "appid"

[[issuer]]
issuer = "https://sso.shantou.example.gov.cn"
jwks_url = "http://127.0.0.1:8443/jwks"
audience = "credit-gateway"
algorithms = ["EdDSA"]
"""

MINIMAL = {
    "issuer": '"https://id.gd.example.gov.cn"',
    "jwks_url": '"https://id.gd.example.gov.cn/jwks"',
    "audience": '"gd-credit"',
    "algorithms": '["ES256"]',
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issuers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def entry(**values: str | None) -> str:
    """One [[issuer]] table: MINIMAL with `values` (TOML literals) changed; None drops a key."""
    merged = {**MINIMAL, **values}
    lines = [f"{key} = {value}" for key, value in merged.items() if value is not None]
    return "[[issuer]]\n" + "\n".join(lines) + "\n"


def test_full_file_loads(tmp_path: Path) -> None:
    gd, shantou = load_issuers(write(tmp_path, FULL))
    assert gd == ExternalIssuer(
        issuer="https://id.gd.example.gov.cn",
        jwks_url="https://id.gd.example.gov.cn/oauth/jwks",
        audience="gd-credit",
        algorithms=("RS256", "ES256"),
        role=Role.MARKET_ACCESS,
        scopes=frozenset({Scope.CREDIT_VERIFY}),
        purpose_claim="gd_purpose",
        client_id_claim="appid",
    )
    assert shantou.jwks_url == "http://127.0.0.1:8443/jwks"


def test_defaults_are_a_partner_with_the_partner_scopes(tmp_path: Path) -> None:
    [issuer] = load_issuers(write(tmp_path, entry()))
    assert issuer.role is Role.PARTNER
    assert issuer.scopes == ROLE_SCOPES[Role.PARTNER]
    assert (issuer.purpose_claim, issuer.client_id_claim) == ("purpose", "client_id")


def test_scopes_default_to_the_chosen_role(tmp_path: Path) -> None:
    [issuer] = load_issuers(write(tmp_path, entry(role='"procurement"')))
    assert issuer.scopes == ROLE_SCOPES[Role.PROCUREMENT]


def test_an_empty_file_has_no_issuers(tmp_path: Path) -> None:
    assert load_issuers(write(tmp_path, "# nobody yet\n")) == []


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"jwks": '"https://x.example/jwks"'}, "jwks"),
        ({"issuer": None}, "issuer"),
        ({"issuer": '""'}, "issuer"),
        ({"issuer": '"https://id.gd.example.gov.cn/ x"'}, "issuer"),
        ({"issuer": "42"}, "issuer"),
        ({"jwks_url": None}, "jwks_url"),
        ({"jwks_url": '"http://id.gd.example.gov.cn/jwks"'}, "jwks_url"),
        ({"jwks_url": '"http://10.0.0.8/jwks"'}, "jwks_url"),
        ({"jwks_url": '"ftp://id.gd.example.gov.cn/jwks"'}, "jwks_url"),
        ({"jwks_url": '"https:///jwks"'}, "jwks_url"),
        ({"jwks_url": '"id.gd.example.gov.cn/jwks"'}, "jwks_url"),
        ({"jwks_url": '"https://id.gd.example.gov.cn/jwks#keys"'}, "jwks_url"),
        ({"audience": None}, "audience"),
        ({"audience": '["a", "b"]'}, "audience"),
        ({"algorithms": None}, "algorithms"),
        ({"algorithms": "[]"}, "algorithms"),
        ({"algorithms": '"RS256"'}, "algorithms"),
        ({"algorithms": '["HS256"]'}, "algorithms"),
        ({"algorithms": '["RS256", "none"]'}, "algorithms"),
        ({"algorithms": '["RS512"]'}, "algorithms"),
        ({"algorithms": "[256]"}, "algorithms"),
        ({"role": '"public"'}, "role"),
        ({"role": '"admin"'}, "role"),
        ({"role": '"mayor"'}, "role"),
        ({"role": "1"}, "role"),
        ({"scopes": '["profile:write"]'}, "scopes"),
        ({"scopes": '["risk:read"]'}, "scopes"),
        ({"scopes": "[]"}, "scopes"),
        ({"scopes": '"profile:read"'}, "scopes"),
        ({"purpose_claim": '""'}, "purpose_claim"),
        ({"purpose_claim": '"why ever"'}, "purpose_claim"),
        ({"client_id_claim": "7"}, "client_id_claim"),
    ],
)
def test_a_bad_value_names_the_entry_and_the_key(
    tmp_path: Path, values: dict[str, str | None], key: str
) -> None:
    text = entry(issuer='"https://ok.example"', jwks_url='"https://ok.example/jwks"') + entry(
        **values
    )
    with pytest.raises(IssuerConfigError) as caught:
        load_issuers(write(tmp_path, text))
    assert caught.value.key == key
    assert caught.value.entry is not None and "[[issuer]] #2" in caught.value.entry
    assert str(tmp_path / "issuers.toml") in str(caught.value)


def test_the_entry_is_named_by_its_issuer_too(tmp_path: Path) -> None:
    with pytest.raises(IssuerConfigError, match=r"#1 \(https://id.gd.example.gov.cn\): role"):
        load_issuers(write(tmp_path, entry(role='"admin"')))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_is_allowed_on_loopback(tmp_path: Path, host: str) -> None:
    [issuer] = load_issuers(write(tmp_path, entry(jwks_url=f'"http://{host}:8080/jwks"')))
    assert issuer.jwks_url.startswith("http://")


def test_an_issuer_configured_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IssuerConfigError, match=r"#2 .*: issuer: configured twice") as caught:
        load_issuers(write(tmp_path, entry() + entry(audience='"other"')))
    assert caught.value.key == "issuer"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("issuers = []\n", "issuers"),
        ('issuer = "https://x.example"\n', "issuer"),
        ("issuer = [1, 2]\n", "issuer"),
        ("[[issuer]\n", "file"),
        ("[issuer]\naudience = 'x'\n", "issuer"),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(IssuerConfigError) as caught:
        load_issuers(write(tmp_path, text))
    assert caught.value.key == key
    assert str(tmp_path / "issuers.toml") in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(IssuerConfigError, match="cannot read") as caught:
        load_issuers(tmp_path / "absent.toml")
    assert str(tmp_path / "absent.toml") in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"algorithms": ("HS256",)}, "algorithms"),
        ({"algorithms": ("none",)}, "algorithms"),
        ({"role": Role.ADMIN}, "role"),
        ({"role": Role.PROCUREMENT, "scopes": frozenset({Scope.PROFILE_READ})}, "scopes"),
        ({"jwks_url": "http://id.example/jwks"}, "jwks_url"),
    ],
)
def test_issuers_built_in_code_are_checked_too(changes: dict[str, Any], key: str) -> None:
    values: dict[str, Any] = {
        "issuer": "https://id.example", "jwks_url": "https://id.example/jwks",
        "audience": "gd-credit", "algorithms": ("ES256",), **changes,
    }
    with pytest.raises(IssuerConfigError) as caught:
        ExternalIssuer(**values)
    assert caught.value.key == key


# --- the JWKS cache ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def issuer_server() -> Iterator[tuple[IssuerApi, str]]:
    yield from serve_issuer()


@pytest.fixture
def issuer_api(issuer_server: tuple[IssuerApi, str]) -> Iterator[IssuerApi]:
    issuer_server[0].reset()
    yield issuer_server[0]
    issuer_server[0].reset()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(issuer_server: tuple[IssuerApi, str], http: httpx.AsyncClient, clock: Clock) -> JwksCache:
    return JwksCache(issuer_server[1], http, 60, clock=clock)


def ec(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid})


async def test_keys_are_fetched_on_first_use_only(cache: JwksCache, issuer_api: IssuerApi) -> None:
    one, two = ec("one"), ec("two")
    issuer_api.publish(one, two)
    assert issuer_api.requests == 0
    found = await cache.key_for("one")
    assert found is not None and found.thumbprint() == one.thumbprint()
    assert not found.is_private
    assert await cache.key_for("two") is not None
    assert issuer_api.requests == 1


async def test_unknown_kid_is_none_and_refetched_once_per_interval(
    cache: JwksCache, issuer_api: IssuerApi, clock: Clock
) -> None:
    issuer_api.publish(ec("one"))
    assert await cache.key_for("later") is None
    assert await cache.key_for("later") is None
    assert issuer_api.requests == 1
    issuer_api.publish(ec("one"), ec("later"))
    clock.advance(59)
    assert await cache.key_for("later") is None
    clock.advance(2)
    assert await cache.key_for("later") is not None
    assert issuer_api.requests == 2


async def test_callers_arriving_together_share_one_fetch(
    issuer_server: tuple[IssuerApi, str], issuer_api: IssuerApi, http: httpx.AsyncClient
) -> None:
    issuer_api.publish(ec("one"))
    eager = JwksCache(issuer_server[1], http, min_refetch_seconds=0)
    found = await asyncio.gather(*(eager.key_for("one") for _ in range(10)))
    assert all(key is not None for key in found)
    assert issuer_api.requests == 1
    unknown = await asyncio.gather(*(eager.key_for("none-such") for _ in range(10)))
    assert unknown == [None] * 10
    assert issuer_api.requests == 2


async def test_old_keys_are_refetched_and_kept_when_that_fails(
    issuer_server: tuple[IssuerApi, str], issuer_api: IssuerApi, http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    cache = JwksCache(issuer_server[1], http, 60, max_age_seconds=600, clock=clock)
    one = ec("one")
    issuer_api.publish(one)
    assert await cache.key_for("one") is not None
    issuer_api.status = 500
    clock.advance(601)
    assert await cache.key_for("one") is not None  # the issuer is down: keep what we had
    assert issuer_api.requests == 2
    issuer_api.status = 200
    issuer_api.publish(ec("two"))  # "one" withdrawn by the issuer
    clock.advance(61)
    assert await cache.key_for("one") is None
    assert issuer_api.requests == 3


async def test_a_failed_fetch_does_not_break_the_cache(
    cache: JwksCache, issuer_api: IssuerApi, clock: Clock
) -> None:
    issuer_api.publish(ec("one"))
    assert await cache.key_for("one") is not None
    issuer_api.status = 502
    clock.advance(61)
    with pytest.raises(JwksUnavailable):
        await cache.key_for("two")
    assert await cache.key_for("one") is not None
    issuer_api.status = 200
    issuer_api.publish(ec("one"), ec("two"))
    clock.advance(61)
    assert await cache.key_for("two") is not None


@pytest.mark.parametrize(
    "body",
    [
        b"<html>maintenance</html>",
        b"[]",
        b'{"keys": "none"}',
        b'{"keys": []}',
        b'{"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0", "kid": "one"}]}',
        b'{"keys": [{"kty": "EC", "crv": "P-256", "x": "broken", "y": "broken", "kid": "one"}]}',
        b'{"keys": [' + b'{"kty": "RSA"},' * 30000 + b"{}]}",
    ],
)
async def test_a_bad_key_set_makes_the_keys_unavailable(
    cache: JwksCache, issuer_api: IssuerApi, body: bytes
) -> None:
    issuer_api.body = body
    with pytest.raises(JwksUnavailable):
        await cache.key_for("one")
    assert issuer_api.requests == 1


async def test_a_redirect_is_not_followed(cache: JwksCache, issuer_api: IssuerApi) -> None:
    issuer_api.status = 302
    issuer_api.body = b'{"keys": []}'
    with pytest.raises(JwksUnavailable):
        await cache.key_for("one")


@pytest.mark.filterwarnings("ignore:Key size should be >= 2048 bits")
def test_keys_it_cannot_use_are_skipped() -> None:
    good = ec("good")
    weak = RSAKey.generate_key(1024, parameters={"kid": "weak"})
    encryption = ec("enc")
    document = {
        "keys": [
            {"kty": "PQ", "kid": "future"},
            "not a key",
            {**OctKey.generate_key(256).as_dict(), "kid": "symmetric"},
            {**encryption.as_dict(private=False), "use": "enc"},
            weak.as_dict(private=False),
            good.as_dict(private=False),
            OKPKey.generate_key("Ed25519", parameters={"kid": "ed"}).as_dict(private=False),
        ]
    }
    assert sorted(parse_jwks(json.dumps(document).encode())) == ["ed", "good"]


def test_a_key_without_kid_is_known_by_its_thumbprint() -> None:
    key = ECKey.generate_key("P-256")
    [kid] = parse_jwks(json.dumps({"keys": [key.as_dict(private=False)]}).encode())
    assert kid == key.thumbprint()
