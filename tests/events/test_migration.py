"""Migration 0008 on an archive that already holds records: their versions become events."""

from __future__ import annotations

import asyncpg

from gateway.events.cursor import START
from gateway.events.feed import read_events
from gateway.migrate import available, migrate
from gateway.records import ListKind
from tests.archive.rows import code, listing, put_record, registration
from tests.events.support import settled
from tests.events.test_feed import DAY


async def test_versions_received_before_the_feed_become_its_first_events(
    new_database: str,
) -> None:
    conn = await asyncpg.connect(new_database)
    try:
        await conn.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY,"
                           " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        for migration in available():
            if migration.version < 8:
                await conn.execute(migration.sql)
                await conn.execute("INSERT INTO schema_migrations (version, name)"
                                   " VALUES ($1, $2)", migration.version, migration.name)
        uscc = code(300)
        await put_record(conn, registration(uscc, "旧企业"))
        await put_record(conn, registration(uscc, "旧企业（更名）"))
        await put_record(conn, listing(uscc, ListKind.ABNORMAL_OPERATIONS, DAY))
        assert "0008_events.sql" in await migrate(conn)
        await put_record(conn, registration(uscc, "旧企业（再更名）"))

        await settled(conn)
        page = await read_events(conn, START, 10)
    finally:
        await conn.close()

    assert [(e.kind.value, e.record_kind, e.version) for e in page.events] == [
        ("RECEIVED", "REGISTRATION", 1), ("CHANGED", "REGISTRATION", 2),
        ("LISTED", "LISTING", 1), ("CHANGED", "REGISTRATION", 3),
    ]
