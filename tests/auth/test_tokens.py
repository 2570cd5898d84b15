"""Access tokens: issuing ours, verifying ours and external issuers' (JWKS on loopback)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
from joserfc.util import urlsafe_b64decode

from auth.issuers import ExternalIssuer
from auth.keys import SigningKeys, retire, rotate
from auth.roles import Role, Scope
from auth.tokens import (
    InvalidToken,
    TokenVerifier,
    VerifiedToken,
    issue_access_token,
    sign_jwt,
    sign_jwts,
)
from tests.auth import Clock, IssuerApi, b64, serve_issuer, sign, sign_eddsa, unsigned

ISSUER = "https://credit.example.gov.cn"
AUDIENCE = "credit-gateway"
NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
STAMP = int(NOW.timestamp())
PROVINCE = "https://id.gd.example.gov.cn"


@pytest.fixture
def keys(tmp_path: Path) -> SigningKeys:
    return SigningKeys.load_or_create(tmp_path / "keys")


@pytest.fixture
def verifier(keys: SigningKeys) -> TokenVerifier:
    return TokenVerifier(ISSUER, AUDIENCE, keys)


def issue(keys: SigningKeys, **changes: Any) -> str:
    arguments: dict[str, Any] = {
        "issuer": ISSUER, "audience": AUDIENCE, "client_id": "procurement-portal",
        "role": "procurement", "scopes": "credit:verify", "ttl": 600, "now": NOW,
    }
    return issue_access_token(keys, **{**arguments, **changes})


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    decoded = [json.loads(urlsafe_b64decode(part.encode())) for part in (header, payload)]
    return decoded[0], decoded[1]


def forge(keys: SigningKeys, claims: dict[str, Any], **header: Any) -> str:
    """A token signed with the gateway's key, with exactly these claims and header changes."""
    base = {"typ": "at+jwt", "alg": "EdDSA", "kid": keys.kids[-1]}
    return sign({**base, **header}, claims, keys.signing_key)


def own_claims(keys: SigningKeys, **changes: Any) -> dict[str, Any]:
    return {**parts(issue(keys))[1], **changes}


async def refused(verifier: TokenVerifier, token: str, now: dt.datetime = NOW) -> str:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token, now=now)
    return caught.value.reason


# --- issuing ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 64, 65, 300])
async def test_many_tokens_are_signed_in_order_each_with_its_claims(
    keys: SigningKeys, count: int
) -> None:
    claims = [{"jti": str(n), "sub": f"code {n}"} for n in range(count)]
    tokens = await sign_jwts(keys, claims, "JWT")
    assert [parts(t)[1] for t in tokens] == claims
    # Ed25519 signatures are deterministic: the same claims signed alone give the same token.
    assert tokens == [sign_jwt(keys, c, "JWT") for c in claims]


def test_issued_token_has_the_rfc9068_shape(keys: SigningKeys) -> None:
    header, claims = parts(issue(keys, purpose="bid 2026-17"))
    assert header == {"typ": "at+jwt", "alg": "EdDSA", "kid": keys.kids[-1]}
    assert claims.pop("jti")
    assert claims == {
        "iss": ISSUER, "aud": AUDIENCE, "sub": "procurement-portal",
        "client_id": "procurement-portal", "scope": "credit:verify", "roles": ["procurement"],
        "iat": STAMP, "nbf": STAMP, "exp": STAMP + 600, "purpose": "bid 2026-17",
    }


def test_purpose_is_left_out_when_not_given(keys: SigningKeys) -> None:
    assert "purpose" not in parts(issue(keys))[1]


def test_every_token_has_its_own_id(keys: SigningKeys) -> None:
    assert parts(issue(keys))[1]["jti"] != parts(issue(keys))[1]["jti"]


@pytest.mark.parametrize(
    "changes", [{"now": dt.datetime(2026, 3, 1, 8, 0)}, {"ttl": 0}, {"ttl": -5}]
)
def test_issuing_refuses_a_naive_instant_or_no_lifetime(
    keys: SigningKeys, changes: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        issue(keys, **changes)


# --- our own tokens -----------------------------------------------------------------------


async def test_own_token_verifies(keys: SigningKeys, verifier: TokenVerifier) -> None:
    token = await verifier.verify(issue(keys, purpose="bid 2026-17"), now=NOW)
    assert isinstance(token, VerifiedToken)
    assert (token.issuer, token.subject, token.client_id) == (
        ISSUER, "procurement-portal", "procurement-portal"
    )
    assert (token.scopes, token.role, token.purpose, token.own) == (
        "credit:verify", "procurement", "bid 2026-17", True
    )
    assert token.token_id == token.claims["jti"]
    assert token.expires_at == NOW + dt.timedelta(seconds=600)


async def test_verify_uses_the_current_time_by_default(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    fresh = issue(keys, now=dt.datetime.now(dt.UTC))
    assert (await verifier.verify(fresh)).own
    stale = issue(keys, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    with pytest.raises(InvalidToken, match="token expired"):
        await verifier.verify(stale)


async def test_verify_refuses_a_naive_instant(keys: SigningKeys, verifier: TokenVerifier) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await verifier.verify(issue(keys), now=dt.datetime(2026, 3, 1, 8, 0))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "e30.e30.e30.e30",
        "!!!.e30.sig",
        "e30=.e30.sig",
        "e30.e+0.sig",
        b64("not json") + ".e30.sig",
        "e30." + b64("not json") + ".sig",
        b64(b"\xff\xfe") + ".e30.sig",
        b64("[1, 2]") + ".e30.sig",
        "e30." + b64('"text"') + ".sig",
        "e30." + b64('{"exp": NaN}') + ".sig",
        "e" * 9000 + ".e30.sig",
    ],
)
async def test_malformed_tokens_are_refused(verifier: TokenVerifier, token: str) -> None:
    assert await refused(verifier, token) == "malformed token"


async def test_expired_token_is_refused_after_the_leeway(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    token = issue(keys)
    expiry = NOW + dt.timedelta(seconds=600)
    assert (await verifier.verify(token, now=expiry + dt.timedelta(seconds=30))).own
    assert await refused(verifier, token, expiry + dt.timedelta(seconds=31)) == "token expired"


async def test_token_before_its_nbf_is_refused(keys: SigningKeys, verifier: TokenVerifier) -> None:
    token = forge(keys, own_claims(keys, nbf=STAMP + 31))
    assert await refused(verifier, token) == "token not yet valid"
    assert (await verifier.verify(forge(keys, own_claims(keys, nbf=STAMP + 30)), now=NOW)).own


async def test_token_issued_in_the_future_is_refused(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    token = forge(keys, own_claims(keys, iat=STAMP + 600))
    assert await refused(verifier, token) == "token issued in the future"


@pytest.mark.parametrize("audience", ["other-gateway", ["other-gateway", "reports"], None])
async def test_wrong_audience_is_refused(
    keys: SigningKeys, verifier: TokenVerifier, audience: Any
) -> None:
    assert await refused(verifier, forge(keys, own_claims(keys, aud=audience))) == "wrong audience"


async def test_audience_list_containing_ours_is_accepted(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    token = forge(keys, own_claims(keys, aud=["reports", AUDIENCE]))
    assert (await verifier.verify(token, now=NOW)).own


async def test_verifier_with_another_audience_refuses_our_token(keys: SigningKeys) -> None:
    other = TokenVerifier(ISSUER, "reports", keys)
    assert await refused(other, issue(keys)) == "wrong audience"


async def test_unknown_issuer_is_refused(keys: SigningKeys, verifier: TokenVerifier) -> None:
    token = forge(keys, own_claims(keys, iss="https://elsewhere.example"))
    assert await refused(verifier, token) == "unknown issuer"
    assert await refused(verifier, issue(keys, issuer=ISSUER + "/")) == "unknown issuer"


async def test_unsigned_token_is_refused(keys: SigningKeys, verifier: TokenVerifier) -> None:
    for alg in ("none", "None", "NONE"):
        header = {"typ": "at+jwt", "alg": alg, "kid": keys.kids[-1]}
        assert await refused(verifier, unsigned(header, own_claims(keys))) == "algorithm not allowed"


async def test_hs256_with_our_public_key_as_secret_is_refused(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    public = keys.jwks()["keys"][0]
    for secret in (urlsafe_b64decode(public["x"].encode()), json.dumps(public).encode()):
        header = {"typ": "at+jwt", "alg": "HS256", "kid": keys.kids[-1]}
        token = sign(header, own_claims(keys), OctKey.import_key(secret))
        assert await refused(verifier, token) == "algorithm not allowed"


async def test_algorithm_must_be_a_string(keys: SigningKeys, verifier: TokenVerifier) -> None:
    header = {"typ": "at+jwt", "alg": ["EdDSA"], "kid": keys.kids[-1]}
    assert await refused(verifier, unsigned(header, own_claims(keys))) == "algorithm not allowed"


async def test_unknown_or_missing_kid_is_refused(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    assert await refused(verifier, forge(keys, own_claims(keys), kid="2019-old")) == "unknown key id"
    header = {"typ": "at+jwt", "alg": "EdDSA"}
    token = sign(header, own_claims(keys), keys.signing_key)
    assert await refused(verifier, token) == "missing key id"


async def test_tampered_payload_is_refused(keys: SigningKeys, verifier: TokenVerifier) -> None:
    header, _, signature = issue(keys).split(".")
    more = own_claims(keys, scope="credit:verify risk:read", roles=["supervisor"])
    assert await refused(verifier, f"{header}.{b64(more)}.{signature}") == "invalid signature"


async def test_truncated_signature_is_refused(keys: SigningKeys, verifier: TokenVerifier) -> None:
    token = issue(keys)
    assert await refused(verifier, token[:-4]) == "invalid signature"
    assert await refused(verifier, token.rsplit(".", 1)[0] + ".") == "invalid signature"


@pytest.fixture(scope="module")
def issuer_server() -> Iterator[tuple[IssuerApi, str]]:
    yield from serve_issuer()


@pytest.fixture
def issuer_api(issuer_server: tuple[IssuerApi, str]) -> Iterator[IssuerApi]:
    issuer_server[0].reset()
    yield issuer_server[0]
    issuer_server[0].reset()


@pytest.fixture
def jwks_url(issuer_server: tuple[IssuerApi, str]) -> str:
    return issuer_server[1]


async def test_keys_carried_in_the_token_are_never_used(
    keys: SigningKeys, verifier: TokenVerifier, issuer_api: IssuerApi, jwks_url: str
) -> None:
    attacker = OKPKey.generate_key("Ed25519")
    issuer_api.publish(attacker)
    embedded = {
        "jwk": attacker.as_dict(private=False),
        "jku": jwks_url,
        "x5u": jwks_url.replace("/jwks", "/other"),
    }
    ours = forge(keys, own_claims(keys), **embedded)
    as_ours = sign({**parts(ours)[0]}, own_claims(keys), attacker)
    assert await refused(verifier, as_ours) == "invalid signature"
    as_theirs = sign({**parts(ours)[0], "kid": attacker.thumbprint()}, own_claims(keys), attacker)
    assert await refused(verifier, as_theirs) == "unknown key id"
    assert issuer_api.requests == 0
    assert (await verifier.verify(ours, now=NOW)).own  # the same headers on a genuine token


@pytest.mark.parametrize("claim", ["iss", "sub", "exp", "iat", "jti"])
async def test_own_token_missing_a_claim_is_refused(
    keys: SigningKeys, verifier: TokenVerifier, claim: str
) -> None:
    claims = own_claims(keys)
    del claims[claim]
    assert await refused(verifier, forge(keys, claims)) == f"missing claim: {claim}"


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "soon"), ("exp", True), ("exp", -1), ("exp", 10**20),
        ("nbf", None), ("iat", "2026-03-01"), ("sub", 7), ("jti", ["a"]),
        ("client_id", {"id": "x"}), ("scope", ["credit:verify"]), ("purpose", 1),
        ("roles", "procurement"), ("roles", ["procurement", "admin"]), ("roles", [7]),
    ],
)
async def test_own_token_with_a_claim_of_the_wrong_type_is_refused(
    keys: SigningKeys, verifier: TokenVerifier, claim: str, value: Any
) -> None:
    token = forge(keys, own_claims(keys, **{claim: value}))
    assert await refused(verifier, token) == f"invalid claim: {claim}"


@pytest.mark.parametrize("number", ["1e999", "-1e999", "1e300"])
async def test_own_token_with_an_endless_expiry_is_refused(
    keys: SigningKeys, verifier: TokenVerifier, number: str
) -> None:
    text = json.dumps(own_claims(keys, exp="EXP")).replace('"EXP"', number)
    header = {"typ": "at+jwt", "alg": "EdDSA", "kid": keys.kids[-1]}
    token = sign_eddsa(header, text, keys.signing_key)
    assert await refused(verifier, token) == "invalid claim: exp"


@pytest.mark.parametrize("typ", [None, "JWT", "jwt", "at+jwt2", "application/jwt"])
async def test_own_token_without_the_access_token_type_is_refused(
    keys: SigningKeys, verifier: TokenVerifier, typ: str | None
) -> None:
    header = {"alg": "EdDSA", "kid": keys.kids[-1]} | ({} if typ is None else {"typ": typ})
    token = sign(header, own_claims(keys), keys.signing_key)
    assert await refused(verifier, token) == "wrong token type"


@pytest.mark.parametrize("typ", ["AT+JWT", "application/at+jwt", "Application/AT+JWT"])
async def test_access_token_type_is_case_insensitive(
    keys: SigningKeys, verifier: TokenVerifier, typ: str
) -> None:
    assert (await verifier.verify(forge(keys, own_claims(keys), typ=typ), now=NOW)).own


async def test_critical_header_extensions_are_refused(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    header = {"typ": "at+jwt", "alg": "EdDSA", "kid": keys.kids[-1], "crit": ["exp"], "exp": 1}
    token = sign_eddsa(header, own_claims(keys), keys.signing_key)
    assert await refused(verifier, token) == "unsupported token header"


# --- key rotation ---------------------------------------------------------------------------


async def test_tokens_survive_rotation_until_their_key_is_retired(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    before = SigningKeys.load_or_create(folder)
    old_token = issue(before)
    new_kid = rotate(folder)
    after = SigningKeys.load_or_create(folder)
    verifier = TokenVerifier(ISSUER, AUDIENCE, after)
    assert (await verifier.verify(old_token, now=NOW)).own
    new_token = issue(after)
    assert parts(new_token)[0]["kid"] == new_kid != parts(old_token)[0]["kid"]
    assert (await verifier.verify(new_token, now=NOW)).own
    retire(folder, before.kids[0])
    retired = TokenVerifier(ISSUER, AUDIENCE, SigningKeys.load_or_create(folder))
    assert await refused(retired, old_token) == "unknown key id"
    assert (await retired.verify(new_token, now=NOW)).own


async def test_a_token_checked_before_is_refused_once_its_key_is_retired(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    before = SigningKeys.load_or_create(folder)
    token = issue(before)
    rotate(folder)
    verifier = TokenVerifier(ISSUER, AUDIENCE, SigningKeys.load_or_create(folder))
    assert (await verifier.verify(token, now=NOW)).own
    assert (await verifier.verify(token, now=NOW)).own  # the second time from the cache
    retire(folder, before.kids[0])
    verifier.keys = SigningKeys.load_or_create(folder)  # what a reload after retiring does
    assert await refused(verifier, token) == "unknown key id"


async def test_a_checked_token_does_not_vouch_for_a_changed_signature(
    keys: SigningKeys, verifier: TokenVerifier
) -> None:
    token = issue(keys)
    assert (await verifier.verify(token, now=NOW)).own
    head, payload, signature = token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert await refused(verifier, f"{head}.{payload}.{flipped}") == "invalid signature"
    other = own_claims(keys, client_id="someone-else")
    forged = f"{head}.{b64(json.dumps(other).encode())}.{signature}"
    assert await refused(verifier, forged) == "invalid signature"


# --- external issuers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rsa-2026"})


@pytest.fixture
def ec_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": "ec-2026"})


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def clock() -> Clock:
    return Clock()


def province(jwks_url: str, **changes: Any) -> ExternalIssuer:
    settings: dict[str, Any] = {
        "issuer": PROVINCE, "jwks_url": jwks_url, "audience": "gd-credit",
        "algorithms": ("ES256", "RS256"), "role": Role.PARTNER,
        "scopes": frozenset({Scope.PROFILE_READ}),
    }
    return ExternalIssuer(**{**settings, **changes})


def external_verifier(
    keys: SigningKeys, http: httpx.AsyncClient, clock: Clock, *issuers: ExternalIssuer
) -> TokenVerifier:
    return TokenVerifier(ISSUER, AUDIENCE, keys, issuers, http=http, jwks_clock=clock)


def province_claims(**changes: Any) -> dict[str, Any]:
    claims = {
        "iss": PROVINCE, "aud": "gd-credit", "sub": "user-3301", "exp": STAMP + 300,
        "iat": STAMP, "client_id": "gd-market-access", "scope": "profile:read",
        "purpose": "licence change 2026-881",
    }
    return {**claims, **changes}


def province_token(key: ECKey | RSAKey, claims: dict[str, Any], alg: str = "ES256") -> str:
    return sign({"typ": "JWT", "alg": alg, "kid": key.kid}, claims, key)


@pytest.fixture
def external(
    keys: SigningKeys, http: httpx.AsyncClient, clock: Clock, jwks_url: str
) -> TokenVerifier:
    return external_verifier(keys, http, clock, province(jwks_url))


async def test_external_es256_token_is_accepted(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    token = await external.verify(province_token(ec_key, province_claims()), now=NOW)
    assert (token.issuer, token.subject, token.client_id, token.own) == (
        PROVINCE, "user-3301", "gd-market-access", False
    )
    assert (token.role, token.scopes, token.purpose, token.token_id) == (
        "partner", "profile:read", "licence change 2026-881", None
    )
    assert token.expires_at == NOW + dt.timedelta(seconds=300)


async def test_external_rs256_token_is_accepted(
    external: TokenVerifier, issuer_api: IssuerApi, rsa_key: RSAKey, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key, rsa_key)
    claims = province_claims(jti="t-1")
    token = await external.verify(province_token(rsa_key, claims, "RS256"), now=NOW)
    assert (token.subject, token.token_id) == ("user-3301", "t-1")


async def test_external_scopes_are_cut_to_what_the_issuer_may_grant(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    claims = province_claims(scope="personal:read profile:read risk:read made:up")
    assert (await external.verify(province_token(ec_key, claims), now=NOW)).scopes == (
        "profile:read"
    )
    no_scope = province_claims()
    del no_scope["scope"]
    assert (await external.verify(province_token(ec_key, no_scope), now=NOW)).scopes == ""


async def test_external_client_id_falls_back_to_azp_then_sub(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    claims = province_claims()
    del claims["client_id"]
    token = await external.verify(province_token(ec_key, {**claims, "azp": "gd-app"}), now=NOW)
    assert token.client_id == "gd-app"
    assert (await external.verify(province_token(ec_key, claims), now=NOW)).client_id == (
        "user-3301"
    )


async def test_external_claim_names_come_from_the_issuer_settings(
    keys: SigningKeys, http: httpx.AsyncClient, clock: Clock, jwks_url: str,
    issuer_api: IssuerApi, ec_key: ECKey,
) -> None:
    issuer = province(jwks_url, purpose_claim="gd_purpose", client_id_claim="appid")
    verifier = external_verifier(keys, http, clock, issuer)
    issuer_api.publish(ec_key)
    claims = province_claims(gd_purpose="annual review", appid="gd-portal")
    token = await verifier.verify(province_token(ec_key, claims), now=NOW)
    assert (token.purpose, token.client_id) == ("annual review", "gd-portal")


@pytest.mark.parametrize("claim", ["sub", "exp"])
async def test_external_token_missing_a_claim_is_refused(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey, claim: str
) -> None:
    issuer_api.publish(ec_key)
    claims = province_claims()
    del claims[claim]
    assert await refused(external, province_token(ec_key, claims)) == f"missing claim: {claim}"


async def test_external_token_for_another_audience_is_refused(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    token = province_token(ec_key, province_claims(aud=AUDIENCE))
    assert await refused(external, token) == "wrong audience"


async def test_external_token_expired_is_refused(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    token = province_token(ec_key, province_claims(exp=STAMP - 31))
    assert await refused(external, token) == "token expired"


async def test_external_algorithm_outside_the_issuer_list_is_refused(
    keys: SigningKeys, http: httpx.AsyncClient, clock: Clock, jwks_url: str,
    issuer_api: IssuerApi, rsa_key: RSAKey,
) -> None:
    verifier = external_verifier(keys, http, clock, province(jwks_url, algorithms=("ES256",)))
    issuer_api.publish(rsa_key)
    token = province_token(rsa_key, province_claims(), "RS256")
    assert await refused(verifier, token) == "algorithm not allowed"
    hs = sign({"alg": "HS256", "kid": "rsa-2026"}, province_claims(), OctKey.import_key(b"k" * 32))
    assert await refused(verifier, hs) == "algorithm not allowed"
    assert issuer_api.requests == 0


async def test_external_key_of_the_wrong_type_for_the_algorithm_is_refused(
    external: TokenVerifier, issuer_api: IssuerApi, rsa_key: RSAKey, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key, rsa_key)
    token = province_token(rsa_key, province_claims(), "RS256")
    _, payload, signature = token.split(".")
    as_ec = f"{b64({'alg': 'ES256', 'kid': 'rsa-2026'})}.{payload}.{signature}"
    assert await refused(external, as_ec) == "invalid signature"


async def test_external_issuer_key_rotation_is_picked_up_after_a_refetch(
    external: TokenVerifier, issuer_api: IssuerApi, clock: Clock, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    assert not (await external.verify(province_token(ec_key, province_claims()), now=NOW)).own
    rotated = ECKey.generate_key("P-256", parameters={"kid": "ec-2027"})
    issuer_api.publish(ec_key, rotated)
    new_token = province_token(rotated, province_claims())
    assert await refused(external, new_token) == "unknown key id"  # too soon to refetch
    clock.advance(61)
    assert not (await external.verify(new_token, now=NOW)).own
    assert issuer_api.requests == 2


async def test_refetch_on_unknown_kids_is_rate_limited(
    external: TokenVerifier, issuer_api: IssuerApi, clock: Clock, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    await external.verify(province_token(ec_key, province_claims()), now=NOW)
    stranger = ECKey.generate_key("P-256", parameters={"kid": "made-up"})
    for _ in range(20):
        clock.advance(2)
        assert await refused(external, province_token(stranger, province_claims())) == (
            "unknown key id"
        )
    assert issuer_api.requests == 1
    clock.advance(30)
    await refused(external, province_token(stranger, province_claims()))
    assert issuer_api.requests == 2


async def test_issuer_keys_down_refuses_its_tokens(
    external: TokenVerifier, issuer_api: IssuerApi, clock: Clock, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    issuer_api.status = 503
    token = province_token(ec_key, province_claims())
    assert await refused(external, token) == "issuer keys unavailable"
    assert await refused(external, token) == "issuer keys unavailable"
    assert issuer_api.requests == 1
    issuer_api.status = 200
    clock.advance(61)
    assert not (await external.verify(token, now=NOW)).own


async def test_unreachable_issuer_refuses_its_tokens(
    keys: SigningKeys, http: httpx.AsyncClient, clock: Clock, ec_key: ECKey
) -> None:
    issuer = province("http://127.0.0.1:9/jwks")  # the discard port: nothing listens
    verifier = external_verifier(keys, http, clock, issuer)
    token = province_token(ec_key, province_claims())
    assert await refused(verifier, token) == "issuer keys unavailable"


async def test_own_tokens_still_verify_beside_external_issuers(
    keys: SigningKeys, external: TokenVerifier, issuer_api: IssuerApi
) -> None:
    assert (await external.verify(issue(keys), now=NOW)).own
    assert issuer_api.requests == 0


async def test_an_external_token_cannot_pass_as_ours(
    external: TokenVerifier, issuer_api: IssuerApi, ec_key: ECKey
) -> None:
    issuer_api.publish(ec_key)
    claims = province_claims(iss=ISSUER, aud=AUDIENCE, jti="x")
    token = sign({"typ": "at+jwt", "alg": "ES256", "kid": "ec-2026"}, claims, ec_key)
    assert await refused(external, token) == "algorithm not allowed"
    assert issuer_api.requests == 0


def test_external_issuer_may_not_be_the_gateway(keys: SigningKeys, http: httpx.AsyncClient) -> None:
    with pytest.raises(ValueError, match="is the gateway itself"):
        TokenVerifier(ISSUER, AUDIENCE, keys, [province("https://x.example/jwks", issuer=ISSUER)],
                      http=http)


def test_external_issuers_need_an_http_client(keys: SigningKeys) -> None:
    with pytest.raises(ValueError, match="HTTP client"):
        TokenVerifier(ISSUER, AUDIENCE, keys, [province("https://x.example/jwks")])


def test_negative_leeway_is_refused(keys: SigningKeys) -> None:
    with pytest.raises(ValueError, match="leeway"):
        TokenVerifier(ISSUER, AUDIENCE, keys, leeway=-1)
