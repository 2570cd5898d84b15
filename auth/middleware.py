"""The edge's authentication step: every HTTP request gets a request id and a Principal
(in the ASGI scope's state) before it reaches a route."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.authenticate import Authenticator, BadPurpose, Unauthenticated

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
UNAUTHENTICATED_PATHS = ("/oauth/token", "/.well-known/", "/healthz", "/readyz")
"""Paths that never read an access token (the token endpoint reads client credentials)."""


AuthenticatorOf = Callable[[Scope], Authenticator | None]
"""Finds the process's Authenticator for a request (it is started after the app is built);
None where the edge is not started (tests of the schema alone): the context then decides."""


class Authenticate:
    """Pure ASGI middleware: sets scope state `request_id` and `principal`, or answers 401
    (bad credential, with WWW-Authenticate) or 400 (bad X-Purpose) itself."""

    def __init__(self, app: ASGIApp, authenticator_of: AuthenticatorOf) -> None:
        self.app = app
        self.authenticator_of = authenticator_of

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
                await _refuse(send, 401, "UNAUTHENTICATED", str(exc), _challenge(str(exc)))
                return
            except BadPurpose as exc:
                await _refuse(send, 400, "BAD_USER_INPUT", str(exc), {})
                return
        await self.app(scope, receive, send)


def _request_id(given: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new one."""
    return given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex


def _with_request_id(send: Send, request_id: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["x-request-id"] = request_id
        await send(message)

    return sending


def _challenge(reason: str) -> dict[str, str]:
    quoted = reason.replace("\\", "").replace('"', "'")
    return {"www-authenticate": f'Bearer error="invalid_token", error_description="{quoted}"'}


async def _refuse(
    send: Send, status: int, code: str, message: str, headers: dict[str, str]
) -> None:
    body = json.dumps(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, ensure_ascii=False
    ).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *((k.encode(), v.encode("latin-1", "replace")) for k, v in headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
