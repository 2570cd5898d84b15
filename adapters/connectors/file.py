"""The `file` connector: CSV and JSON Lines files dropped into a folder.

Each feed reads the files matching its `pattern`, in name order, each once. A feed's cursor is
`{"read": [names], "current": {"file": name, "line": n} | null}`: the files fully read (only
those still in the folder, so moving processed files away keeps the cursor small) and, while
a file is only partly committed, the last line committed of it. A file is marked read in the
batch that ends it (an empty batch when it ends exactly at a batch boundary).

Files still being written are never read: writers use a name that does not match the pattern
(e.g. `.part`) and rename it into place, or, with `require_done = true`, create
`<name>.done` when the file is complete. Hidden files (`.name`) are ignored.

A line that cannot be parsed (bad JSON, a CSV row with the wrong number of values, text not in
the feed's encoding) becomes a row whose data holds `_error` (why) and `_raw` (what was read);
the mapper quarantines it and the rest of the file goes on.
"""

from __future__ import annotations

import asyncio
import csv
import fnmatch
import json
import os
from collections.abc import AsyncIterator, Generator, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from adapters.base import Batch, Cursor, FetchUnsupported, RawRow, SourceUnavailable
from adapters.config import FeedConfig, SourceConfig
from adapters.mapping import ROW_ERROR, ROW_RAW

Numbered = tuple[int, RawRow]
"""A row and the last line of the file it was read from."""

_WHOLE_FILE = 2**53 - 1
"""The cursor line of a file-level error: past every line, and still exact in JSON."""


class FileConnector:
    """Reads one source's drop folder."""

    def __init__(self, source: SourceConfig) -> None:
        self.source = source
        self.directory: Path = source.options["directory"]

    async def changes(self, cursor: Cursor) -> AsyncIterator[Batch]:
        """Yield the rows of files not read yet, `batch_size` rows at a time."""
        state: Cursor = dict(cursor)
        for feed in self.source.feeds:
            async for batch in self._feed_changes(feed, state):
                yield batch

    async def _feed_changes(self, feed: FeedConfig, state: Cursor) -> AsyncIterator[Batch]:
        present, ready = await asyncio.to_thread(self._listing, feed)
        before = state.get(feed.name) or {}
        read = [name for name in before.get("read", []) if name in present]
        current = before.get("current")
        if not current or current.get("file") not in present:
            current = None
        pending = _reading_order([n for n in ready if n not in set(read)], current)
        rows: list[RawRow] = []
        for name in pending:
            skip = current["line"] if current and current["file"] == name else 0
            lines = _file_rows(self.directory / name, feed, skip)
            try:
                while True:
                    wanted = self.source.batch_size - len(rows)
                    chunk = await asyncio.to_thread(_take, lines, wanted)
                    rows.extend(row for _, row in chunk)
                    if len(chunk) < wanted:
                        break
                    current = {"file": name, "line": chunk[-1][0]}
                    state[feed.name] = {"read": sorted(read), "current": current}
                    yield Batch(rows, dict(state))
                    rows = []
            finally:
                lines.close()
            read.append(name)
            current = None
        state[feed.name] = {"read": sorted(read), "current": None}
        if rows or state[feed.name] != before:
            yield Batch(rows, dict(state))

    def _listing(self, feed: FeedConfig) -> tuple[set[str], list[str]]:
        """The names matching the feed's pattern, and those of them ready to read, sorted."""
        try:
            with os.scandir(self.directory) as entries:
                names = {e.name for e in entries if e.is_file() and not e.name.startswith(".")}
        except OSError as exc:
            raise SourceUnavailable(
                f"{self.source.name}: cannot list the drop folder {self.directory}: "
                f"{exc.strerror or exc}"
            ) from exc
        pattern: str = feed.options["pattern"]
        matching = {n for n in names if fnmatch.fnmatchcase(n, pattern)}
        if feed.options["require_done"]:
            return matching, sorted(n for n in matching if f"{n}.done" in names)
        return matching, sorted(matching)

    async def fetch(self, usccs: Sequence[str]) -> list[RawRow]:
        """File drops cannot be asked for one enterprise."""
        raise FetchUnsupported(f"{self.source.name}: a drop folder cannot fetch on demand")

    async def aclose(self) -> None:
        """Nothing to release."""


def _reading_order(pending: list[str], current: dict[str, Any] | None) -> list[str]:
    """Pending names in order, the partly read file first so its position stays valid."""
    if current is None or current["file"] not in pending:
        return pending
    return [current["file"], *(n for n in pending if n != current["file"])]


def _take(rows: Generator[Numbered, None, None], count: int) -> list[Numbered]:
    try:
        return list(islice(rows, count))
    except OSError as exc:
        raise SourceUnavailable(f"cannot read a dropped file: {exc}") from exc


def _file_rows(path: Path, feed: FeedConfig, skip: int) -> Generator[Numbered, None, None]:
    """The rows of one file after line `skip`; a file that vanished yields nothing."""
    encoding: str = feed.options["encoding"]
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # accept a byte order mark
    try:
        handle = path.open(encoding=encoding, newline="")
    except FileNotFoundError:
        return
    with handle:
        parse = _csv_rows if path.name.endswith(".csv") else _jsonl_rows
        yield from parse(handle, feed, path.name, skip)


def _file_error(feed: FeedConfig, name: str, line: int, reason: str) -> Numbered:
    """A row standing for the unreadable rest of a file, so it is quarantined, not lost.

    Its cursor line is past any real line, so a resume goes on with the next file."""
    data = {ROW_ERROR: f"{reason}; the rest of the file is not read", ROW_RAW: name}
    return _WHOLE_FILE, RawRow(feed.name, f"{name}:{line}", data)


def _undecodable(feed: FeedConfig, name: str, line: int, exc: UnicodeDecodeError) -> Numbered:
    encoding = feed.options["encoding"]
    return _file_error(feed, name, line, f"not {encoding} text after line {line - 1}: {exc.reason}")


def _csv_rows(handle: TextIO, feed: FeedConfig, name: str, skip: int) -> Iterator[Numbered]:
    reader = csv.reader(handle)
    try:
        header = [column.strip() for column in next(reader, [])]
    except UnicodeDecodeError as exc:
        yield _undecodable(feed, name, 1, exc)
        return
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        yield _file_error(feed, name, 1, f"the header repeats column {', '.join(repeated)}")
        return
    try:
        yield from _csv_records(reader, header, feed.name, name, skip)
    except UnicodeDecodeError as exc:
        yield _undecodable(feed, name, reader.line_num + 1, exc)


def _csv_records(
    reader: Any, header: list[str], feed: str, name: str, skip: int
) -> Iterator[Numbered]:
    start = reader.line_num + 1
    for values in reader:
        line, first = reader.line_num, start
        start = line + 1
        if line <= skip or not values:
            continue
        if len(values) != len(header):
            reason = f"{len(values)} values where the header has {len(header)} columns"
            yield line, RawRow(feed, f"{name}:{first}", {ROW_ERROR: reason, ROW_RAW: values})
        else:
            yield line, RawRow(feed, f"{name}:{first}", dict(zip(header, values, strict=True)))


def _jsonl_rows(handle: TextIO, feed: FeedConfig, name: str, skip: int) -> Iterator[Numbered]:
    line = 0
    try:
        for line, text in enumerate(handle, start=1):
            if line <= skip or not text.strip():
                continue
            yield line, RawRow(feed.name, f"{name}:{line}", _json_object(text.strip()))
    except UnicodeDecodeError as exc:
        yield _undecodable(feed, name, line + 1, exc)


def _json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        return {ROW_ERROR: f"bad JSON: {exc}", ROW_RAW: text}
    if not isinstance(data, dict):
        return {ROW_ERROR: "line is not a JSON object", ROW_RAW: text}
    return data
