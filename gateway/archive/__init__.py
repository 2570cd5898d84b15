"""The credit archive: reads and writes of the PostgreSQL store."""

from __future__ import annotations

from typing import Any, TypeAlias

import asyncpg

from gateway.database import Connection

Queryable: TypeAlias = "Connection | asyncpg.Pool[Any]"
"""What a read can run on: a pool, a connection or a connection taken from a pool."""
