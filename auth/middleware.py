"""The edge's authentication step: every HTTP request gets a request id and a Principal
(in the ASGI scope's state) before it reaches a route."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.authenticate import Authenticator, BadPurpose, Unauthenticated
from auth.principal import PUBLIC
from gateway.middleware import address_of, send_error
from gateway.ratelimit import RateLimiter, retry_after
from schema.errors import ErrorCode

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}\Z")
UNAUTHENTICATED_PATHS = ("/oauth/token", "/.well-known/", "/healthz", "/readyz")
"""Paths that never read an access token (the token endpoint reads client credentials)."""


AuthenticatorOf = Callable[[Scope], Authenticator | None]
"""Finds the process's Authenticator for a request (it is started after the app is built);
None where the edge is not started (tests of the schema alone): the context then decides."""


class Authenticate:
    """Pure ASGI middleware: sets scope state `request_id` and `principal`, or answers 401
    (bad credential, with WWW-Authenticate) or 400 (bad X-Purpose) itself. A refused request
    counts against its address's quota (429 once it is used up), so forged tokens cannot be
    tried without limit."""

    def __init__(
        self, app: ASGIApp, authenticator_of: AuthenticatorOf, limiter: RateLimiter | None = None
    ) -> None:
        self.app = app
        self.authenticator_of = authenticator_of
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        request_id = _request_id(headers.get("x-request-id"))
        state["request_id"] = request_id
        send = _with_request_id(send, request_id)
        authenticator = self.authenticator_of(scope)
        if authenticator is not None and not scope["path"].startswith(UNAUTHENTICATED_PATHS):
            try:
                state["principal"] = await authenticator.principal(headers)
            except Unauthenticated as exc:
                await self._refuse(scope, send, 401, ErrorCode.UNAUTHENTICATED, str(exc))
                return
            except BadPurpose as exc:
                await self._refuse(scope, send, 400, ErrorCode.BAD_USER_INPUT, str(exc))
                return
        await self.app(scope, receive, send)

    async def _refuse(
        self, scope: Scope, send: Send, status: int, code: ErrorCode, message: str
    ) -> None:
        wait = None if self.limiter is None else await self.limiter.hit(PUBLIC, address_of(scope))
        if wait is not None:
            seconds = retry_after(wait)
            await send_error(send, 429, f"too many requests; retry in {seconds} s",
                             ErrorCode.RATE_LIMITED, [("Retry-After", str(seconds))])
            return
        headers = _challenge(message) if status == 401 else []
        await send_error(send, status, message, code, headers)


def _request_id(given: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new one."""
    return given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex


def _with_request_id(send: Send, request_id: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["x-request-id"] = request_id
        await send(message)

    return sending


def _challenge(reason: str) -> list[tuple[str, str]]:
    quoted = reason.replace("\\", "").replace('"', "'")
    return [("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{quoted}"')]
