"""A batch of verifications costs the same SQL round trips for 1 code as for 200: the
profiles with their freshness, and the insert."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg

from auth.keys import SigningKeys
from gateway.rules.verification import Purpose, Verdict
from gateway.verification.service import Verifier
from tests.archive.rows import code, put_record, registration

# asyncpg's own statement when a pooled connection is released: housekeeping, not our query.
POOL_RESET = "SELECT pg_advisory_unlock_all()"


async def test_statements_do_not_grow_with_the_batch(
    clean_archive: asyncpg.Pool[Any], database_url: str, tmp_path: Path
) -> None:
    for n in range(200):
        await put_record(clean_archive, registration(code(n), f"企业{n}"))
    statements: list[str] = []

    async def init(conn: asyncpg.Connection[Any]) -> None:
        conn.add_query_logger(lambda q: statements.append(q.query))

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1, init=init)
    assert pool is not None
    keys = SigningKeys.load_or_create(tmp_path / "keys")
    verifier = Verifier(pool, lambda: keys, "http://gateway", dt.timedelta(days=1))
    counts = []
    try:
        # The first statements on a connection also make asyncpg look up the types it uses.
        await verifier.verify([code(0)], Purpose.HONOURS, None, "client")
        for size in (1, 200):
            statements.clear()
            issued = await verifier.verify([code(n) for n in range(size)],
                                           Purpose.PUBLIC_BIDDING, None, "client")
            assert [v.verdict for v in issued] == [Verdict.CLEAR] * size
            counts.append(len([s for s in statements if not s.startswith(POOL_RESET)]))
    finally:
        await pool.close()
    assert counts[0] == counts[1] == 2
