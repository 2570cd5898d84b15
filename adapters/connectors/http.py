"""The `http` connector: a paged JSON API with an `updated_since` high-water mark.

`GET {path}?updated_since=<RFC 3339>&cursor=<c>&limit=<n>` answers
`{"items": [...], "next_cursor": "..." | null}` (docs/sources.md). A feed's cursor holds the
`updated_since` of the listing in progress, the page cursor to continue it and the latest
update time seen in it; when the last page is in, that latest time becomes the next
`updated_since`. The source includes items updated exactly at `updated_since`, so rows
sharing the boundary time are read again (harmlessly) rather than missed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from adapters.base import Batch, Cursor, FetchUnsupported, RawRow, SourceUnavailable
from adapters.config import FeedConfig, SourceConfig
from adapters.mapping import ROW_ERROR, ROW_RAW, BadValueError, parse_update_time
from gateway.clock import utcnow

log = logging.getLogger(__name__)

_FETCH_CHUNK = 50


class HttpConnector:
    """Reads one source's feeds from its HTTP API, retrying what may pass on its own."""

    def __init__(self, source: SourceConfig) -> None:
        self.source = source
        self._client: httpx.AsyncClient | None = None
        self._retries: int = source.options["retries"]
        self._retry_delay: float = source.options["retry_delay"]
        self._retry_max_delay: float = source.options["retry_max_delay"]

    async def changes(self, cursor: Cursor) -> AsyncIterator[Batch]:
        """Yield one batch per page of each feed, from where `cursor` left off."""
        state: Cursor = dict(cursor)
        for feed in self.source.feeds:
            async for batch in self._feed_changes(feed, state):
                yield batch

    async def _feed_changes(self, feed: FeedConfig, state: Cursor) -> AsyncIterator[Batch]:
        path: str = feed.options["path"]
        position: dict[str, Any] = dict(state.get(feed.name) or {})
        restarted = False
        while True:
            page = position.get("page")
            try:
                body = await self._get_json(path, _listing_params(position, feed))
            except Refused as exc:
                if not page or restarted:
                    raise
                # A page cursor the source no longer knows (expired, or the source was
                # redeployed): list again from the high-water mark; re-read rows write nothing.
                log.warning(
                    "%s: page cursor refused (%s); listing again from %s",
                    self.source.name,
                    exc,
                    position.get("since") or "the start",
                )
                position, restarted = {**position, "page": None}, True
                continue
            items, next_page = self._page(body, path)
            if next_page is not None and next_page == page:
                raise SourceUnavailable(
                    f"{self.source.name}: GET {path} answered the same next_cursor {page!r}"
                )
            seen = _latest(position.get("seen"), items, feed)
            new = _after_page(position, next_page, seen)
            rows = [self._row(feed, path, page, i, item) for i, item in enumerate(items)]
            changed, position = new != position, new
            state[feed.name] = dict(position)
            if rows or changed:
                yield Batch(rows, dict(state))
            if next_page is None:
                return

    def _page(self, body: Any, path: str) -> tuple[list[Any], str | None]:
        """The items and next cursor of a page; a body of any other shape is the source's fault."""
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise SourceUnavailable(
                f'{self.source.name}: GET {path} answered JSON without an "items" list'
            )
        next_page = body.get("next_cursor")
        if isinstance(next_page, int) and not isinstance(next_page, bool):
            next_page = str(next_page)
        if next_page is not None and not isinstance(next_page, str):
            raise SourceUnavailable(
                f'{self.source.name}: GET {path} answered a "next_cursor" that is not a string'
            )
        return body["items"], next_page or None

    def _row(self, feed: FeedConfig, path: str, page: str | None, index: int, item: Any) -> RawRow:
        if not isinstance(item, dict):
            where = f"{path} page {page or 'first'}#{index}"
            return RawRow(feed.name, where, {ROW_ERROR: "item is not a JSON object", ROW_RAW: item})
        record_id = item.get(feed.id_field)
        if record_id is None or record_id == "":
            return RawRow(feed.name, f"{path} page {page or 'first'}#{index}", item)
        return RawRow(feed.name, f"{path} id={record_id}", item)

    async def fetch(self, usccs: Sequence[str]) -> list[RawRow]:
        """`GET {fetch_path}?uscc=A,B` of every feed that has a fetch_path."""
        feeds = [f for f in self.source.feeds if f.options["fetch_path"]]
        if not feeds:
            raise FetchUnsupported(f"{self.source.name}: no feed has a fetch_path")
        rows: list[RawRow] = []
        for feed in feeds:
            path: str = feed.options["fetch_path"]
            for start in range(0, len(usccs), _FETCH_CHUNK):
                chunk = usccs[start : start + _FETCH_CHUNK]
                body = await self._get_json(path, {"uscc": ",".join(chunk)})
                items, _ = self._page(body, path)
                rows.extend(self._row(feed, path, None, i, item) for i, item in enumerate(items))
        return rows

    async def _get_json(self, path: str, params: dict[str, str]) -> Any:
        response = await self._get(path, params)
        try:
            return response.json()
        except ValueError:
            raise SourceUnavailable(
                f"{self.source.name}: GET {path} answered a body that is not JSON"
            ) from None

    async def _get(self, path: str, params: dict[str, str]) -> httpx.Response:
        """GET with retries on transport errors, 5xx and 429; raises SourceUnavailable."""
        attempts = self._retries + 1
        problem = ""
        for attempt in range(attempts):
            try:
                response = await self._http().get(path, params=params)
            except httpx.RequestError as exc:
                problem, wait = _describe(exc), self._backoff(attempt)
            else:
                if response.status_code < 400:
                    return response
                problem = f"HTTP {response.status_code}"
                if not _retryable(response.status_code):
                    raise Refused(f"{self.source.name}: GET {path} answered {problem}")
                asked = retry_after(response.headers.get("retry-after"), utcnow())
                wait = self._backoff(attempt) if asked is None else asked
            if attempt + 1 < attempts:
                await asyncio.sleep(min(wait, self._retry_max_delay))
        raise SourceUnavailable(
            f"{self.source.name}: GET {path} failed {attempts} times; last: {problem}"
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many gateways do not retry in step."""
        delay: float = min(self._retry_max_delay, self._retry_delay * 2**attempt)
        return delay * (0.5 + random.random() / 2)  # noqa: S311 - not for security

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.source.options["base_url"],
                headers={"user-agent": "credit-gateway", **self.source.options["headers"]},
                timeout=httpx.Timeout(self.source.timeout),
                follow_redirects=True,
            )
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


class Refused(SourceUnavailable):
    """The source answered a request with a client error (4xx other than 429): not retried."""


def _listing_params(position: dict[str, Any], feed: FeedConfig) -> dict[str, str]:
    """The query of the next page; `updated_since` and `cursor` are left out when unknown."""
    params = {"limit": str(feed.options["page_size"])}
    if position.get("since"):
        params["updated_since"] = position["since"]
    if position.get("page"):
        params["cursor"] = position["page"]
    return params


def _after_page(
    position: dict[str, Any], next_page: str | None, seen: str | None
) -> dict[str, Any]:
    """The feed's cursor once a page is in: mid-listing, or the new high-water mark."""
    if next_page is None:
        return {"since": seen or position.get("since"), "page": None, "seen": None}
    return {"since": position.get("since"), "page": next_page, "seen": seen}


def _latest(seen: str | None, items: list[Any], feed: FeedConfig) -> str | None:
    """The latest update time among `seen` and the items, as an RFC 3339 string."""
    latest = dt.datetime.fromisoformat(seen) if seen else None
    field = feed.updated_field or ""
    for item in items:
        if not isinstance(item, dict):
            continue
        try:
            moment = parse_update_time(item.get(field), field, feed.updated_format)
        except BadValueError:
            continue  # the mapper quarantines the item; it does not move the mark
        if moment is not None and (latest is None or moment > latest):
            latest = moment
    return latest.isoformat() if latest is not None else None


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())



def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
