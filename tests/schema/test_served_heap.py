"""The served application puts its start-up heap out of the garbage collector's reach."""

from __future__ import annotations

import gc

import httpx


def test_serving_freezes_what_start_up_allocated(served_url: str) -> None:
    assert httpx.get(f"{served_url}/healthz", timeout=10).status_code == 200
    assert gc.get_freeze_count() > 10_000  # the schema, rule sets and modules at least
