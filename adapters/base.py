"""What every connector kind offers the sync engine and the on-demand refresh."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Protocol

Cursor = dict[str, Any]
"""A source's sync position: JSON-ready, one entry per feed, owned by the connector."""


@dataclasses.dataclass(frozen=True, slots=True)
class RawRow:
    """One row as the source system gave it, before mapping."""

    feed: str
    position: str
    """Where the row is in the source, for quarantine: e.g. 'djzc_qyjbxx id=42', 'a.csv:17'."""
    data: Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Batch:
    """Rows read since the previous batch, and the cursor that follows them."""

    rows: list[RawRow]
    cursor: Cursor


class SourceUnavailable(Exception):
    """The source system could not be reached or answered with an error."""


class FetchUnsupported(Exception):
    """This connector kind cannot fetch single enterprises on demand (e.g. file drops)."""


class Connector(Protocol):
    """A connection to one source system."""

    def changes(self, cursor: Cursor) -> AsyncIterator[Batch]:
        """Yield batches of rows changed since `cursor` ({} = from the beginning).

        Implemented as an async generator. Each batch's cursor covers every row yielded so
        far, so committing a batch with its cursor never skips nor repeats a row."""
        ...

    async def fetch(self, usccs: Sequence[str]) -> list[RawRow]:
        """Read the current rows of these enterprises, in every feed."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
