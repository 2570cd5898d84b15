"""The demo: a deterministic Shantou data set served by real department systems of every
connector kind (see run.py), for trying the gateway and for benchmarks.

The systems (and their web and database libraries) load on first use, so worker processes
that only generate rows start quickly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.demo.generator import Generator

if TYPE_CHECKING:
    from adapters.demo.run import DemoSources, start_demo_sources

__all__ = ["DemoSources", "Generator", "start_demo_sources"]


def __getattr__(name: str) -> Any:
    if name in ("DemoSources", "start_demo_sources"):
        from adapters.demo import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
