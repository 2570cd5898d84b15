"""The edge of the HTTP app: security headers, CORS, a body size limit and quotas.

Pure ASGI middlewares (no BaseHTTPMiddleware: they neither buffer bodies nor move the app to
another task). `edge_middleware` gives them in their order, outermost first.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.ides import get_graphql_ide_html

from auth.principal import PUBLIC, Principal
from gateway.ratelimit import RateLimiter, retry_after
from gateway.settings import Settings
from schema.errors import ErrorCode

CORS_HEADERS = ("Authorization", "Content-Type", "X-Purpose", "X-Request-Id")
CORS_EXPOSED = ("Retry-After", "X-Request-Id")
RATE_LIMITED_PATHS = ("/graphql", "/oauth/token")
NO_STORE_PREFIXES = ("/graphql", "/oauth")
HSTS = "max-age=31536000"
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


async def send_error(
    send: Send, status: int, message: str, code: ErrorCode, headers: Iterable[tuple[str, str]] = ()
) -> None:
    """Answer with a GraphQL-shaped JSON error: {"errors": [{"message", "extensions.code"}]}."""
    body = json.dumps(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]},
        ensure_ascii=False,
    ).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


# --- body size ---------------------------------------------------------------------------


class BodyTooLarge(Exception):
    """Raised from `receive` once the body has passed the limit."""


DRAIN_BYTES = 4 * 1024 * 1024
"""Bytes of a refused body still read (and dropped) before answering: a server that closes
a connection with unread data makes the kernel reset it, and the client loses the 413."""


class BodySizeLimit:
    """Refuses request bodies over `max_bytes` with 413: at once when Content-Length says so,
    else (chunked bodies) as soon as the bytes received pass the limit. Whatever the app
    answers after that is replaced by the 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            # A client waiting for 100 Continue sends nothing: there is nothing to drain.
            if headers.get("expect", "").lower() != "100-continue":
                await drain(receive, DRAIN_BYTES)
            await self._refuse(send)
            return
        body = _CountedBody(receive, self.max_bytes)
        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, body.receive, body.guard(send))
        if body.exceeded and not body.started:
            if not body.complete:
                await drain(receive, DRAIN_BYTES)
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        await send_error(
            send, 413, f"the request body is larger than {self.max_bytes} bytes",
            ErrorCode.BAD_USER_INPUT, [("Connection", "close")],
        )


class _CountedBody:
    """The app's view of one request: `receive` raises BodyTooLarge past `max_bytes`, and
    the app's answer is dropped from then on."""

    def __init__(self, receive: Receive, max_bytes: int) -> None:
        self._receive = receive
        self._max_bytes = max_bytes
        self.received = 0
        self.exceeded = False
        self.started = False
        self.complete = False
        """Whether the whole body was read (nothing left to drain)."""

    async def receive(self) -> Message:
        if self.exceeded:  # an app that goes on reading after the refusal
            raise BodyTooLarge
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if self.received > self._max_bytes:
                self.exceeded = True
                raise BodyTooLarge
        return message

    def guard(self, send: Send) -> Send:
        async def guarded_send(message: Message) -> None:
            if not self.exceeded:
                self.started = True
                await send(message)

        return guarded_send


async def drain(receive: Receive, budget: int) -> None:
    """Read and drop the rest of the request body, up to `budget` bytes."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


# --- security headers --------------------------------------------------------------------


class _IdeScripts(HTMLParser):
    """Collects what a page loads: script and style sources, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.script_origins: set[str] = set()
        self.style_origins: set[str] = set()
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.script_origins.add(_origin(values["src"] or ""))
        elif tag == "script":
            self._in_inline_script = True
            self.inline_scripts.append("")
        elif tag == "link" and values.get("rel") == "stylesheet" and values.get("href"):
            self.style_origins.add(_origin(values["href"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts[-1] += data


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"


def ide_csp(html: str) -> str:
    """A Content-Security-Policy that lets `html` (strawberry's GraphiQL page) load its
    scripts from their CDN and run its own inline scripts (by hash), and nothing else.
    Styles allow 'unsafe-inline': GraphiQL adds <style> elements at run time."""
    page = _IdeScripts()
    page.feed(html)
    page.close()
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in page.inline_scripts
    ]
    scripts = " ".join(sorted(page.script_origins) + hashes)
    styles = " ".join([*sorted(page.style_origins), "'unsafe-inline'"])
    return (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; font-src data:; "
        "img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


IDE_CSP = ide_csp(get_graphql_ide_html("graphiql"))


class SecurityHeaders:
    """Adds nosniff, no-referrer, DENY framing and a Content-Security-Policy to every response
    (headers the app set itself are kept), Cache-Control: no-store to /graphql and /oauth
    answers, and Strict-Transport-Security in production."""

    def __init__(self, app: ASGIApp, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(MutableHeaders(scope=message), path)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _add(self, headers: MutableHeaders, path: str) -> None:
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        is_html = headers.get("content-type", "").startswith("text/html")
        ide = is_html and path.rstrip("/") == "/graphql"
        headers.setdefault("Content-Security-Policy", IDE_CSP if ide else STRICT_CSP)
        if self.production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if any(path == p or path.startswith(p + "/") for p in NO_STORE_PREFIXES):
            headers["Cache-Control"] = "no-store"


# --- quotas ------------------------------------------------------------------------------


class RateLimit:
    """Counts requests to `paths` against the caller's quota and answers 429 with
    Retry-After once it is used up. The caller is scope["state"]["principal"] (set by the
    authentication middleware before this one; PUBLIC when absent), its address
    scope["client"] (behind a proxy, run uvicorn with --forwarded-allow-ips).

    A WebSocket handshake counts against its address's quota (its caller is known only
    later, from connection_init) and is refused (HTTP 403) once that is used up; the limiter
    is left in the socket's state, so that each subscription it starts is counted against
    the caller's quota too (schema.events.socket)."""

    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, paths: Sequence[str] = RATE_LIMITED_PATHS
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.paths = tuple(p.rstrip("/") for p in paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or (
            scope["path"].rstrip("/") not in self.paths
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        wait = await self.limiter.hit(principal_of(scope), address_of(scope))
        if wait is None:
            await self.app(scope, receive, send)
            return
        seconds = retry_after(wait)
        await send_error(
            send, 429, f"too many requests; retry in {seconds} s", ErrorCode.RATE_LIMITED,
            [("Retry-After", str(seconds))],
        )


    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if await self.limiter.hit(PUBLIC, address_of(scope)) is not None:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        scope.setdefault("state", {})[LIMITER_STATE] = self.limiter
        await self.app(scope, receive, send)


LIMITER_STATE = "rate_limiter"
"""Key of the RateLimiter in a WebSocket's state."""


def principal_of(scope: Scope) -> Principal:
    """The caller as the authentication middleware left it in the request state."""
    principal = scope.get("state", {}).get("principal", PUBLIC)
    return principal if isinstance(principal, Principal) else PUBLIC


def address_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def edge_middleware(
    settings: Settings, limiter: RateLimiter, auth: Middleware | None = None
) -> list[Middleware]:
    """The edge, outermost first: security headers (so that every answer carries them, also
    the refusals below), CORS (preflights are answered before any count), the body size
    limit, then `auth` (which sets scope["state"]["principal"]) and the quotas, which need
    the principal."""
    return [
        Middleware(SecurityHeaders, production=settings.production),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=("GET", "POST"),
            allow_headers=CORS_HEADERS,
            expose_headers=CORS_EXPOSED,
        ),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        *([auth] if auth is not None else []),
        Middleware(RateLimit, limiter=limiter),
    ]
