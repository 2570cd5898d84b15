"""Time `credit-gateway supervision refresh` on a synthetic archive of N enterprises.

    BENCH_DATABASE_URL=postgresql://... python -m bench.supervision_refresh [N]

The archive (database `bench_supervision_<N>`, built once) holds N enterprises, a fifth of them
in a key area, every one with a risk class, 0.8 penalties per enterprise over four years (one
enterprise in a hundred with three for the same violation in the last year) and a serious-list
entry for one in a hundred. The first refresh starts every entry; the second finds nothing to
change. Prints both times and what they did.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import asyncpg

from bench.common import machine, run, server_url
from gateway.database import create_pool, ensure_database
from gateway.migrate import migrate
from gateway.supervision.refresh import refresh_all
from schema.context import today_in_shanghai

_CODE = "lpad(g::text, 18, '0')"

SEED = [
    f"""
    INSERT INTO enterprises (uscc, name, status, division, key_areas, name_grams, registration_pk)
    SELECT {_CODE}, '企业' || g,
           CASE WHEN g % 50 = 0 THEN 'DEREGISTERED' ELSE 'OPERATING' END,
           (ARRAY['440507','440511','440512','440513','440514','440515','440523'])[1 + g % 7],
           CASE WHEN g % 5 = 1 THEN ARRAY['FOOD_PRODUCTION'] ELSE '{{}}'::text[] END, '{{}}', g
    FROM generate_series(1, $1::int) g
    """,
    f"""
    INSERT INTO risk_assessments (uscc, risk_class, score, model, assessed_at, factors)
    SELECT {_CODE}, (ARRAY['A','B','B','C','D'])[1 + (g / 7) % 5], 0.5, 'bench', now(), '[]'
    FROM generate_series(1, $1::int) g
    """,
    """
    INSERT INTO records (kind, source, feed, record_id, uscc, department, payload, content_hash,
                         received_at)
    SELECT 'PENALTY', 'bench', 'penalties', 'p' || g,
           lpad(((g::bigint * 7919) % $1 + 1)::text, 18, '0'), '执法稽查',
           jsonb_build_object('decision_number', '汕市监罚〔' || g || '〕号',
                              'decided_on', ($2::date - (g % 1461))::text,
                              'violation', '违法行为' || (g % 20),
                              'authority', '汕头市市场监督管理局',
                              'measures', '["FINE"]'::jsonb, 'procedure', 'ORDINARY'),
           '\\x00', now()
    FROM generate_series(1, ($1 * 4 / 5)::int) g
    """,
    """
    INSERT INTO records (kind, source, feed, record_id, uscc, department, payload, content_hash,
                         received_at)
    SELECT 'PENALTY', 'bench', 'repeated', 'r' || g || '-' || i, lpad(g::text, 18, '0'), '执法稽查',
           jsonb_build_object('decision_number', '汕市监罚〔R' || g || '-' || i || '〕号',
                              'decided_on', ($2::date - 100 * i)::text,
                              'violation', '屡犯违法行为', 'authority', '汕头市市场监督管理局',
                              'measures', '["FINE"]'::jsonb, 'procedure', 'ORDINARY'),
           '\\x00', now()
    FROM generate_series(3, $1::int, 100) g, generate_series(1, 3) i
    """,
    """
    INSERT INTO records (kind, source, feed, record_id, uscc, department, payload, content_hash,
                         received_at)
    SELECT 'LISTING', 'bench', 'serious', 's' || g, lpad(g::text, 18, '0'), '信用监管',
           jsonb_build_object('kind', 'SERIOUS_DISHONESTY', 'listed_on', ($2::date - 200)::text,
                              'expires_on', ($2::date + 900)::text, 'reason', '严重违法',
                              'enterprise_name', '企业' || g, 'listed_by', '汕头市市场监督管理局'),
           '\\x00', now()
    FROM generate_series(37, $1::int, 100) g
    """,
]


async def seeded(enterprises: int) -> str:
    """The bench archive's URL, seeded when new."""
    url, new = await ensure_database(server_url(), f"bench_supervision_{enterprises}")
    conn: asyncpg.Connection[Any] = await asyncpg.connect(url)
    try:
        await migrate(conn)
        if new or not await conn.fetchval("SELECT exists(SELECT 1 FROM enterprises)"):
            started = time.perf_counter()
            today = today_in_shanghai()
            async with conn.transaction():
                for statement in SEED:
                    dates = [today] if "$2" in statement else []
                    await conn.execute(statement, enterprises, *dates)
            await conn.execute("ANALYZE")
            print(f"seeded {enterprises:,} enterprises in {time.perf_counter() - started:.1f} s")
    finally:
        await conn.close()
    return url


async def main(enterprises: int) -> None:
    print(machine())
    url = await seeded(enterprises)
    pool = await create_pool(url, max_size=2)
    try:
        await pool.execute("TRUNCATE key_supervision_events, key_supervision_entries")
        for label in ("first refresh", "second refresh"):
            started = time.perf_counter()
            report = await refresh_all(pool, today_in_shanghai())
            seconds = time.perf_counter() - started
            c = report.counts
            print(f"{label}: {seconds:.1f} s for {enterprises:,} enterprises; "
                  f"{report.candidates:,} judged, {report.derived:,} entries "
                  f"({c.started:,} started, {c.changed:,} changed, {c.ended:,} ended)")
    finally:
        await pool.close()


if __name__ == "__main__":
    run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
