"""The token endpoint: OAuth 2.0 client credentials (RFC 6749 §4.4) on authlib's
AuthorizationServer, wrapped for Starlette.

authlib's server is synchronous; the endpoint reads the form and the client's record
asynchronously first, then runs authlib (and the scrypt check of the secret) in a worker
thread, handing it the record through a context variable.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextvars
import dataclasses
import re
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote

import asyncpg
from authlib.oauth2 import rfc6749
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auth.clients import StoredClient, get_client
from auth.keys import SigningKeys
from auth.roles import Scope, ScopeError, allowed_scopes, parse_scopes, scope_string
from auth.secrets import verify_secret
from auth.tokens import issue_access_token
from gateway.clock import utcnow

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
_SINGLE = ("grant_type", "scope", "client_id", "client_secret", "purpose")
_PURPOSE = re.compile(r"^[^\x00-\x1f\x7f]{1,200}\Z")


@dataclasses.dataclass(frozen=True, slots=True)
class TokenPolicy:
    """What the gateway's tokens say about themselves."""

    issuer: str
    audience: str
    ttl: int


class GatewayClient(rfc6749.ClientMixin):  # type: ignore[misc]
    """A stored client as authlib sees it."""

    def __init__(self, stored: StoredClient) -> None:
        self.stored = stored

    def get_client_id(self) -> str:
        return self.stored.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return self.stored.active and verify_secret(client_secret, self.stored.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


@dataclasses.dataclass(frozen=True, slots=True)
class _Call:
    """What one token request found before authlib runs."""

    client: StoredClient | None
    purpose: str | None


_call: contextvars.ContextVar[_Call] = contextvars.ContextVar("token_call")


class _ClientCredentials(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        client: GatewayClient = self.request.client
        try:
            asked = parse_scopes(self.request.payload.scope)
            _granted(client.stored, asked)
        except ScopeError as exc:
            raise InvalidScopeError(description=str(exc)) from None


def _granted(client: StoredClient, asked: frozenset[Scope]) -> frozenset[Scope]:
    """The scopes a token gets: those asked for, within the client's (all of them if none)."""
    beyond = asked - client.scopes
    if beyond:
        raise ScopeError(f"the client may not hold {', '.join(sorted(beyond))}")
    return allowed_scopes(client.role, asked or client.scopes)


class _FormRequest(rfc6749.OAuth2Request):  # type: ignore[misc]
    def __init__(self, uri: str, headers: Mapping[str, str], form: dict[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self.payload = rfc6749.requests.BasicOAuth2Payload(form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        data: dict[str, str] = self.payload.data
        return data


class TokenServer(rfc6749.AuthorizationServer):  # type: ignore[misc]
    """authlib's authorization server with the gateway's clients and JWT access tokens."""

    def __init__(self, keys: SigningKeys, policy: TokenPolicy) -> None:
        super().__init__(scopes_supported=[s.value for s in Scope])
        self.keys = keys
        self.policy = policy
        self.register_grant(_ClientCredentials)
        self.register_token_generator("default", self._generate)

    def query_client(self, client_id: str) -> GatewayClient | None:
        stored = _call.get().client
        if stored is None or stored.client_id != client_id or not stored.active:
            return None
        return GatewayClient(stored)

    def create_oauth2_request(self, request: _FormRequest) -> _FormRequest:
        """`respond` already built authlib's request from the Starlette one."""
        return request

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Access tokens are self-contained JWTs: nothing to store."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal receivers."""

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> Response:
        return JSONResponse(body, status_code=status, headers=dict(headers))

    def _generate(
        self, grant_type: str, client: GatewayClient, scope: str | None = None, **_: Any
    ) -> dict[str, Any]:
        stored = client.stored
        scopes = scope_string(_granted(stored, parse_scopes(scope)))
        token = issue_access_token(
            self.keys,
            issuer=self.policy.issuer,
            audience=self.policy.audience,
            client_id=stored.client_id,
            role=stored.role.value,
            scopes=scopes,
            ttl=self.policy.ttl,
            now=utcnow(),
            purpose=_call.get().purpose,
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.policy.ttl,
            "scope": scopes,
        }

    async def respond(self, request: Request, pool: asyncpg.Pool[Any]) -> Response:
        """Answer one POST to the token endpoint."""
        try:
            form = await _form(request)
        except InvalidRequestError as error:
            return self.handle_error_response(None, error)  # type: ignore[no-any-return]
        client_id = _client_id(request.headers, form)
        client = await get_client(pool, client_id) if client_id else None
        _call.set(_Call(client, form.get("purpose")))
        oauth_request = _FormRequest(
            f"{self.policy.issuer}/oauth/token", request.headers, form
        )
        # asyncio.to_thread copies the context, so authlib sees this request's _call.
        response: Response = await asyncio.to_thread(self.create_token_response, oauth_request)
        return response


async def _form(request: Request) -> dict[str, str]:
    """The form parameters, each at most once (RFC 6749 §3.2)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise InvalidRequestError(description="send application/x-www-form-urlencoded")
    try:
        pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequestError(description="the form is not UTF-8 URL-encoded") from None
    data: dict[str, str] = {}
    for key, value in pairs:
        if key in data and key in _SINGLE:
            raise InvalidRequestError(description=f"{key} given more than once")
        data[key] = value
    purpose = data.get("purpose")
    if purpose is not None and not _PURPOSE.match(purpose):
        raise InvalidRequestError(description="purpose is 1 to 200 printable characters")
    return data


def _client_id(headers: Mapping[str, str], form: Mapping[str, str]) -> str | None:
    """The client id the request claims, from HTTP Basic or the form."""
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return unquote(decoded.partition(":")[0]) or None
    return form.get("client_id") or None
