"""Helpers of the auth tests: a JWKS endpoint served on loopback, a clock, token forging."""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import Key, OKPKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.loopback import serve


class IssuerApi:
    """An external issuer's JWKS endpoint whose answers a test sets, counting requests."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.keys: list[Key] = []
        self.status = 200
        self.body: bytes | None = None
        """Raw body to answer instead of the key set."""
        self.requests = 0

    def publish(self, *keys: Key) -> None:
        self.keys = list(keys)

    async def jwks(self, request: Request) -> Response:
        self.requests += 1
        if self.body is not None:
            return Response(self.body, status_code=self.status, media_type="application/json")
        document = {"keys": [key.as_dict(private=False) for key in self.keys]}
        return JSONResponse(document, status_code=self.status)

    async def other(self, request: Request) -> Response:
        """Any other path: counted, so a test can prove the gateway never went there."""
        self.requests += 1
        return JSONResponse({"keys": []})


def serve_issuer() -> Iterator[tuple[IssuerApi, str]]:
    """An IssuerApi on loopback and its JWKS URL."""
    api = IssuerApi()
    app = Starlette(routes=[Route("/jwks", api.jwks), Route("/other", api.other)])
    for url in serve(app):
        yield api, f"{url}/jwks"


class Clock:
    """Monotonic seconds that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def b64(data: bytes | str | dict[str, Any]) -> str:
    """base64url without padding of bytes, text or a JSON object."""
    if isinstance(data, dict):
        data = json.dumps(data)
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(header: dict[str, Any], claims: dict[str, Any], key: Key) -> str:
    """A compact JWS of exactly `header` and `claims`, signed with `key` (any algorithm)."""
    registry = jws.JWSRegistry(algorithms=[header["alg"]], strict_check_header=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # joserfc's notice on EdDSA
        return jws.serialize_compact(header, json.dumps(claims), key, registry=registry)


def sign_eddsa(header: dict[str, Any], claims: dict[str, Any] | str, key: OKPKey) -> str:
    """Like `sign` for Ed25519, without joserfc's checks; `claims` may be raw JSON text."""
    signing_input = f"{b64(header)}.{b64(claims)}"
    private = key.get_op_key("sign")
    assert isinstance(private, Ed25519PrivateKey)
    signature = private.sign(signing_input.encode())
    return f"{signing_input}.{b64(signature)}"


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A token with an empty signature (alg none)."""
    return f"{b64(header)}.{b64(claims)}."
