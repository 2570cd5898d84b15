"""Relay-style page information shared by every connection."""

from __future__ import annotations

from typing import Annotated

import strawberry


@strawberry.type(description="Where a page ends and whether more follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether another page follows this one.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )


PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, 1 to 100 (null: 20).")
]
"""The `first` argument of a paged list of at most 100 (default 20) per page."""
After = Annotated[
    str | None, strawberry.argument(description="The endCursor of the previous page.")
]
"""The `after` argument of a paged list."""
