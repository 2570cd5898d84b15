"""A progress bar for building a large data set (optional: pass `progress=` yourself)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from adapters.demo.build import Progress as ProgressCallback


@contextlib.contextmanager
def progress_bar(console: Console | None = None) -> Iterator[ProgressCallback]:
    """A callback for `start_demo_sources(progress=...)` that draws a bar while it runs."""
    bar = Progress("[progress.description]{task.description}", BarColumn(),
                   MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True)
    task = bar.add_task("enterprises", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
