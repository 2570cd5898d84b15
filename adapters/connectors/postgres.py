"""The `postgres` connector: incremental reads from a table or view of an exchange database.

Each feed is read in keyset order `(updated, id)`: a batch continues strictly after the last
row of the previous one, so rows sharing an update time are never skipped nor repeated. The
cursor keeps the last row's update time and id as PostgreSQL prints them (`::text`), and
queries cast them back to the columns' own types, so any orderable column type works.

Rows whose update time is NULL are read first, in id order, behind their own cursor entry
(`null_id`); once such a row gets an update time it is read again in the main order.
Rows whose id is NULL are never read.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from adapters.base import Batch, Cursor, RawRow, SourceUnavailable
from adapters.config import FeedConfig, SourceConfig

_UPDATED_TEXT = "__cg_updated"
_ID_TEXT = "__cg_id"
_COLUMN_TYPES = """
SELECT attname, atttypid::regtype::text FROM pg_attribute
WHERE attrelid = $1::regclass AND attname = ANY($2::text[]) AND attnum > 0 AND NOT attisdropped
"""
_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


def quote_ident(name: str) -> str:
    """`name` as a quoted SQL identifier (names are validated by the configuration too)."""
    return '"' + name.replace('"', '""') + '"'


def quote_table(name: str) -> str:
    """A possibly schema-qualified table name, each part quoted."""
    return ".".join(quote_ident(part) for part in name.split("."))


@dataclasses.dataclass(frozen=True, slots=True)
class FeedQueries:
    """The SQL of one feed, built from validated names and the columns' catalog types."""

    nulls_first: str
    nulls_next: str
    main_first: str
    main_next: str
    main_since: str

    @classmethod
    def build(cls, feed: FeedConfig, updated_type: str, id_type: str) -> FeedQueries:
        updated = quote_ident(feed.updated_field or "")
        ident = quote_ident(feed.id_field)
        # names are validated by the configuration and quoted; types come from the catalog
        select = (
            f'SELECT {updated}::text AS "{_UPDATED_TEXT}", {ident}::text AS "{_ID_TEXT}", * '  # noqa: S608
            f"FROM {quote_table(feed.options['table'])} "
        )
        by_id = f"ORDER BY {ident}"
        by_time = f"ORDER BY {updated}, {ident}"
        return cls(
            nulls_first=f"{select}WHERE {updated} IS NULL {by_id} LIMIT $1",
            nulls_next=(
                f"{select}WHERE {updated} IS NULL AND {ident} > $1::text::{id_type} "
                f"{by_id} LIMIT $2"
            ),
            main_first=f"{select}WHERE {updated} IS NOT NULL {by_time} LIMIT $1",
            main_next=(
                f"{select}WHERE ({updated}, {ident}) > "
                f"($1::text::{updated_type}, $2::text::{id_type}) {by_time} LIMIT $3"
            ),
            main_since=(
                f"{select}WHERE {updated} >= $1::text::{updated_type} - $2::interval"
                f" {by_time} LIMIT $3"
            ),
        )


class PostgresConnector:
    """Reads one source's feeds from its exchange database through a small pool."""

    def __init__(self, source: SourceConfig) -> None:
        self.source = source
        self._pool: asyncpg.Pool[Any] | None = None
        self._connecting = asyncio.Lock()
        self._queries: dict[str, FeedQueries] = {}

    async def changes(self, cursor: Cursor) -> AsyncIterator[Batch]:
        """Yield each feed's rows changed since `cursor`, `batch_size` rows at a time."""
        state: Cursor = dict(cursor)
        for feed in self.source.feeds:
            async for batch in self._feed_changes(feed, state):
                yield batch

    async def _feed_changes(self, feed: FeedConfig, state: Cursor) -> AsyncIterator[Batch]:
        queries = await self._feed_queries(feed)
        position: dict[str, Any] = dict(state.get(feed.name) or {})
        limit = self.source.batch_size
        overlap = self.source.options.get("overlap")
        for phase in ("nulls", "main"):
            look_back = phase == "main" and overlap is not None and position.get("id") is not None
            while True:
                if look_back:  # re-read the window in which late commits may have landed
                    query: tuple[Any, ...] = (
                        queries.main_since,
                        position["updated"],
                        overlap,
                        limit,
                    )
                    look_back = False
                else:
                    query = _next_query(queries, phase, position, limit)
                records = await self._fetch(*query)
                if not records:
                    break
                last = records[-1]
                if phase == "nulls":
                    position["null_id"] = last[_ID_TEXT]
                else:
                    position["updated"], position["id"] = last[_UPDATED_TEXT], last[_ID_TEXT]
                state[feed.name] = dict(position)
                yield Batch([self._row(feed, r) for r in records], dict(state))
                if len(records) < limit:
                    break

    def _row(self, feed: FeedConfig, record: asyncpg.Record) -> RawRow:
        data = dict(record.items())
        del data[_UPDATED_TEXT], data[_ID_TEXT]
        return RawRow(feed.name, f"{feed.options['table']} id={record[_ID_TEXT]}", data)

    async def fetch(self, usccs: Sequence[str]) -> list[RawRow]:
        """The current rows of these enterprises in every feed."""
        if not usccs:
            return []
        rows: list[RawRow] = []
        for feed in self.source.feeds:
            query = (  # names validated by the configuration, and quoted
                f'SELECT *, {quote_ident(feed.id_field)}::text AS "{_ID_TEXT}" '  # noqa: S608
                f"FROM {quote_table(feed.options['table'])} "
                f"WHERE {quote_ident(feed.options['uscc_column'])} = ANY($1::text[])"
            )
            records = await self._fetch(query, list(usccs))
            rows.extend(self._fetched_row(feed, r) for r in records)
        return rows

    def _fetched_row(self, feed: FeedConfig, record: asyncpg.Record) -> RawRow:
        data = dict(record.items())
        del data[_ID_TEXT]
        return RawRow(feed.name, f"{feed.options['table']} id={record[_ID_TEXT]}", data)

    async def _feed_queries(self, feed: FeedConfig) -> FeedQueries:
        if feed.name not in self._queries:
            table = feed.options["table"]
            columns = [feed.id_field, feed.updated_field or ""]
            found: dict[str, str] = {
                name: type_name
                for name, type_name in await self._fetch(_COLUMN_TYPES, quote_table(table), columns)
            }
            for column in columns:
                if column not in found:
                    raise SourceUnavailable(
                        f'{self.source.name}: table {table} has no column "{column}"'
                    )
            self._queries[feed.name] = FeedQueries.build(feed, found[columns[1]], found[columns[0]])
        return self._queries[feed.name]

    async def _fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        pool = await self._connect()
        try:
            return await pool.fetch(query, *args, timeout=self.source.timeout)
        except _ERRORS as exc:
            raise SourceUnavailable(f"{self.source.name}: {_describe(exc)}") from exc

    async def _connect(self) -> asyncpg.Pool[Any]:
        async with self._connecting:
            if self._pool is None:
                self._pool = await self._create_pool()
        return self._pool

    async def _create_pool(self) -> asyncpg.Pool[Any]:
        try:
            pool = await asyncpg.create_pool(
                self.source.options["dsn"],
                min_size=1,
                max_size=3,
                timeout=self.source.timeout,
                command_timeout=self.source.timeout,
                server_settings={
                    "application_name": "credit-gateway",
                    "default_transaction_read_only": "on",
                    # the cursor's texts must parse back the same on every later connection
                    "DateStyle": "ISO, YMD",
                },
            )
        except _ERRORS as exc:
            message = f"{self.source.name}: cannot connect: {_describe(exc)}"
            raise SourceUnavailable(message) from exc
        assert pool is not None
        return pool

    async def aclose(self) -> None:
        """Close the pool (forcibly if a query does not finish within the timeout)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), timeout=self.source.timeout)
        except TimeoutError:
            pool.terminate()


def _next_query(
    queries: FeedQueries, phase: str, position: dict[str, Any], limit: int
) -> tuple[Any, ...]:
    """The query (and its arguments) that continues after `position` in `phase`."""
    if phase == "nulls":
        if position.get("null_id") is None:
            return queries.nulls_first, limit
        return queries.nulls_next, position["null_id"], limit
    if position.get("id") is None:
        return queries.main_first, limit
    return queries.main_next, position["updated"], position["id"], limit


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
