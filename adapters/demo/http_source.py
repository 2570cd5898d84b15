"""A demo department system that serves its feeds over HTTP, as docs/sources.md specifies.

For each feed:

- `GET /api/v1/{feed}?updated_since=&cursor=&limit=` answers
  `{"items": [...], "next_cursor": "..." | null}`. Items are ordered by update time (gxsj),
  then id. `updated_since` (RFC 3339 with an offset) is **inclusive**: items updated at that
  instant or later; a client that keeps the latest update time it has seen re-reads the
  items of that instant, never misses one. `cursor` is the opaque `next_cursor` of the
  previous page (it encodes the last item's update time and id). `limit` is 1 to 5000,
  default 500. `next_cursor` is null on the last page.
- `GET /api/v1/{feed}/by-uscc?uscc=A,B` answers `{"items": [...]}`: the current rows of up
  to 1000 enterprises.

Update times are rendered as RFC 3339 in +08:00. A bad parameter answers 400 with
`{"error": "..."}`; a wrong or missing `X-Api-Key` (when the system has a key) answers 401.
With `flaky_every = n`, every n-th request answers 503 with `Retry-After: 0`, so a client's
retry is exercised. Rows are read from the system's PostgreSQL tables (see store.py).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hmac
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.demo.days import SHANGHAI
from adapters.demo.layout import Feed
from adapters.demo.store import qualified, quote_ident

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
MAX_FETCH = 1000
_SPACED_OFFSET = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:\d\d)\Z")

Handler = Callable[[Request], Awaitable[Response]]


class BadRequest(ValueError):
    """A request parameter is invalid; the message says which and why."""


def parse_instant(name: str, text: str) -> dt.datetime:
    """An RFC 3339 instant with an offset ('+' decoded as a space from a query is accepted)."""
    cleaned = _SPACED_OFFSET.sub(r"\1+\2", text.strip())
    try:
        value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise BadRequest(f"{name}: {text!r} is not an RFC 3339 date-time") from None
    if value.tzinfo is None:
        raise BadRequest(f"{name}: {text!r} has no UTC offset")
    return value


def encode_cursor(updated: dt.datetime, record_id: str) -> str:
    raw = json.dumps([updated.isoformat(), record_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(text: str) -> tuple[dt.datetime, str]:
    """The (update time, id) a cursor stands for; BadRequest if this system did not issue it."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        updated, record_id = json.loads(raw)
        if not isinstance(updated, str) or not isinstance(record_id, str):
            raise ValueError
        return parse_instant("cursor", updated), record_id
    except (ValueError, TypeError, binascii.Error, BadRequest):
        raise BadRequest("cursor: not a cursor this system issued") from None


def parse_limit(text: str | None) -> int:
    if text is None or text == "":
        return DEFAULT_LIMIT
    try:
        limit = int(text)
    except ValueError:
        raise BadRequest(f"limit: {text!r} is not a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit: {limit} is outside 1..{MAX_LIMIT}")
    return limit


def parse_usccs(text: str | None) -> list[str]:
    codes = [c.strip().upper() for c in (text or "").split(",") if c.strip()]
    if not codes:
        raise BadRequest("uscc: give one or more codes, comma-separated")
    if len(codes) > MAX_FETCH:
        raise BadRequest(f"uscc: {len(codes)} codes, at most {MAX_FETCH} per request")
    return codes


class FeedQueries:
    """The fixed SQL statements of one feed (no request text is ever put into SQL)."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        table = qualified(feed.name)
        columns = ", ".join(quote_ident(c) for c in feed.columns)
        updated, key = quote_ident(feed.updated_column), quote_ident(feed.id_column)
        order = f"ORDER BY {updated}, {key}"
        # Identifiers come from layout.py and are quoted; values are always parameters.
        select = f"SELECT {columns} FROM {table}"  # noqa: S608
        self.pages = {
            (False, False): f"{select} {order} LIMIT $1",
            (True, False): f"{select} WHERE {updated} >= $1 {order} LIMIT $2",
            (False, True): f"{select} WHERE ({updated}, {key}) > ($1, $2) {order} LIMIT $3",
            (True, True): f"{select} WHERE {updated} >= $1 AND ({updated}, {key}) > ($2, $3) "
                          f"{order} LIMIT $4",
        }
        """Paging statements by (updated_since given, cursor given); their parameters are the
        given values in that order, then the row limit."""
        self.fetch = f"{select} WHERE {quote_ident(feed.uscc_column)} = ANY($1::text[]) {order}"

    def item(self, record: asyncpg.Record) -> dict[str, Any]:
        """A row as the system's JSON: update time in +08:00, everything else as stored."""
        item = dict(zip(self.feed.columns, record, strict=True))
        updated = item[self.feed.updated_column]
        item[self.feed.updated_column] = updated.astimezone(SHANGHAI).isoformat()
        return item


class DepartmentSystem:
    """The HTTP system of one department: its feeds, its key, its database pool."""

    def __init__(self, dsn: str, feeds: Sequence[Feed], *, api_key: str | None = None,
                 flaky_every: int = 0) -> None:
        if flaky_every < 0:
            raise ValueError(f"flaky_every must be 0 (off) or positive, got {flaky_every}")
        self.dsn = dsn
        self.queries = {f.name: FeedQueries(f) for f in feeds}
        self.api_key = api_key
        self.flaky_every = flaky_every
        self.requests = 0
        self._pool: asyncpg.Pool[Any] | None = None

    @property
    def pool(self) -> asyncpg.Pool[Any]:
        if self._pool is None:
            raise RuntimeError("the system is not started")
        return self._pool

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=4)
        try:
            yield
        finally:
            await self._pool.close()
            self._pool = None

    def app(self) -> Starlette:
        routes = [Route("/", self.index)]
        for name, queries in self.queries.items():
            routes.append(Route(f"/api/v1/{name}", self._guard(self._page_of(queries))))
            routes.append(Route(f"/api/v1/{name}/by-uscc", self._guard(self._fetch_of(queries))))
        return Starlette(routes=routes, lifespan=self.lifespan)

    async def index(self, request: Request) -> Response:
        feeds = [{"feed": n, "path": f"/api/v1/{n}", "fetch_path": f"/api/v1/{n}/by-uscc"}
                 for n in self.queries]
        return JSONResponse({"feeds": feeds})

    def _guard(self, handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            if self.api_key is not None and not hmac.compare_digest(
                    request.headers.get("x-api-key", "").encode(), self.api_key.encode()):
                return JSONResponse({"error": "X-Api-Key is missing or wrong"}, status_code=401)
            self.requests += 1
            if self.flaky_every and self.requests % self.flaky_every == 0:
                return JSONResponse({"error": "temporarily unavailable"}, status_code=503,
                                    headers={"Retry-After": "0"})
            try:
                return await handler(request)
            except BadRequest as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return guarded

    def _page_of(self, queries: FeedQueries) -> Handler:
        async def page(request: Request) -> Response:
            params = request.query_params
            since_text = params.get("updated_since")
            since = parse_instant("updated_since", since_text) if since_text else None
            cursor_text = params.get("cursor")
            after = decode_cursor(cursor_text) if cursor_text else None
            limit = parse_limit(params.get("limit"))
            args: list[Any] = [] if since is None else [since]
            args += [] if after is None else list(after)
            sql = queries.pages[(since is not None, after is not None)]
            rows = await self.pool.fetch(sql, *args, limit + 1)
            items = [queries.item(r) for r in rows[:limit]]
            last = rows[limit - 1] if len(rows) > limit else None
            next_cursor = None if last is None else encode_cursor(
                last[queries.feed.updated_column], str(last[queries.feed.id_column]))
            return JSONResponse({"items": items, "next_cursor": next_cursor})
        return page

    def _fetch_of(self, queries: FeedQueries) -> Handler:
        async def fetch(request: Request) -> Response:
            codes = parse_usccs(request.query_params.get("uscc"))
            rows = await self.pool.fetch(queries.fetch, codes)
            return JSONResponse({"items": [queries.item(r) for r in rows]})
        return fetch
