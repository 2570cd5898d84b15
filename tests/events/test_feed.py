"""The change feed in PostgreSQL: which events the archive's writes make, their order, and
reads that resume exactly."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import asyncpg
import pytest

from gateway.events.cursor import START, InvalidCursor, Position, parse_cursor
from gateway.events.feed import InvalidRead, Page, horizon, read_events
from gateway.records import ListKind
from tests.archive.rows import code, listing, penalty, put_record, registration
from tests.events.support import settled

DAY = dt.date(2026, 3, 2)


async def everything(pool: asyncpg.Pool[Any], after: Position = START) -> Page:
    """Every event after `after`, once every transaction committed so far is complete."""
    await settled(pool)
    return await read_events(pool, after, 1000)


def kinds(page: Page) -> list[tuple[str, str | None, int | None]]:
    return [(e.kind.value, e.record_kind, e.version) for e in page.events]


async def test_new_and_changed_records_make_events_in_write_order(
    feed_pool: asyncpg.Pool[Any],
) -> None:
    uscc = code(1)
    first = await put_record(feed_pool, registration(uscc, "汕头市甲有限公司"))
    await put_record(feed_pool, penalty(uscc, "汕市监罚〔2026〕1号", DAY))
    await put_record(feed_pool, registration(uscc, "汕头市甲乙有限公司"))
    await put_record(feed_pool, registration(uscc, "汕头市甲乙有限公司"))  # unchanged

    page = await everything(feed_pool)

    assert kinds(page) == [
        ("RECEIVED", "REGISTRATION", 1), ("RECEIVED", "PENALTY", 1), ("CHANGED", "REGISTRATION", 2)
    ]
    assert {e.uscc for e in page.events} == {uscc}
    assert page.events[0].record_pk == int(first) == page.events[2].record_pk
    assert page.events[0].source == "registration"
    assert page.events[0].at.tzinfo is not None
    assert [e.position for e in page.events] == sorted(e.position for e in page.events)


async def test_list_entries_are_listed_then_removed(feed_pool: asyncpg.Pool[Any]) -> None:
    uscc = code(2)
    entry = listing(uscc, ListKind.ABNORMAL_OPERATIONS, DAY)
    await put_record(feed_pool, entry)
    await put_record(feed_pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS, DAY,
                                         reason="未按规定公示年度报告"))
    await put_record(feed_pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS, DAY,
                                        reason="未按规定公示年度报告", removed_on=DAY,
                                        removal_reason="已补报"))
    await put_record(feed_pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS, DAY,
                                        reason="未按规定公示年度报告", removed_on=DAY,
                                        removal_reason="已补报并公示"))

    assert kinds(await everything(feed_pool)) == [
        ("LISTED", "LISTING", 1), ("CHANGED", "LISTING", 2), ("REMOVED", "LISTING", 3),
        ("CHANGED", "LISTING", 4),
    ]


async def test_a_batch_makes_one_event_per_written_version(feed_pool: asyncpg.Pool[Any]) -> None:
    from adapters.mapping import Mapped
    from gateway.archive import store
    from gateway.records import RecordKind

    rows = [
        store.prepare(Mapped(RecordKind.REGISTRATION, code(n), registration(code(n), f"企业{n}"),
                             None), "registration")
        for n in range(10, 15)
    ]
    async with feed_pool.acquire() as conn, conn.transaction():
        await store.write_records(conn, "registration", "登记注册", rows, dt.datetime.now(dt.UTC))

    page = await everything(feed_pool)
    assert sorted(e.uscc for e in page.events) == sorted(code(n) for n in range(10, 15))
    assert len({e.position.xid for e in page.events}) == 1  # one transaction


async def test_pages_resume_exactly_across_new_writes(feed_pool: asyncpg.Pool[Any]) -> None:
    for n in range(7):
        await put_record(feed_pool, registration(code(20 + n), f"企业{n}"))
    seen: list[int] = []
    position = START
    sizes = []
    await settled(feed_pool)
    while True:
        page = await read_events(feed_pool, position, 3)
        seen += [e.position.seq for e in page.events]
        sizes.append(len(page.events))
        position = page.end
        if not page.has_next:
            break
    assert sizes == [3, 3, 1]
    for n in range(2):
        await put_record(feed_pool, registration(code(40 + n), f"新企业{n}"))

    await settled(feed_pool)
    later = await read_events(feed_pool, position, 3)

    assert [e.uscc for e in later.events] == [code(40), code(41)]
    seen += [e.position.seq for e in later.events]
    assert seen == [e.position.seq for e in (await everything(feed_pool)).events]
    assert len(seen) == len(set(seen)) == 9
    assert (await read_events(feed_pool, later.end, 3)).events == []


async def test_a_filtered_read_resumes_past_other_enterprises(
    feed_pool: asyncpg.Pool[Any],
) -> None:
    mine, other = code(50), code(51)
    await put_record(feed_pool, registration(mine, "我的企业"))
    await put_record(feed_pool, registration(other, "别的企业"))

    await settled(feed_pool)
    page = await read_events(feed_pool, START, 10, [mine])
    assert [e.uscc for e in page.events] == [mine]
    assert page.end > page.events[0].position  # past the other enterprise's event too
    assert (await read_events(feed_pool, page.end, 10, [mine])).events == []
    await put_record(feed_pool, registration(mine, "我的企业二"))
    await settled(feed_pool)
    assert kinds(await read_events(feed_pool, page.end, 10, [mine])) == [
        ("CHANGED", "REGISTRATION", 2)
    ]


async def test_an_open_transaction_holds_back_later_events(
    feed_pool: asyncpg.Pool[Any], database_url: str
) -> None:
    early, late = code(60), code(61)
    before = await everything(feed_pool)
    writer = await asyncpg.connect(database_url)
    try:
        transaction = writer.transaction()
        await transaction.start()
        await put_record(writer, registration(early, "先开始的企业"))  # takes the smaller xid
        await put_record(feed_pool, registration(late, "后开始的企业"))  # committed

        hidden = await read_events(feed_pool, before.end, 10)
        assert hidden.events == []
        await transaction.commit()
    finally:
        await writer.close()

    await settled(feed_pool)
    shown = await read_events(feed_pool, hidden.end, 10)
    assert [e.uscc for e in shown.events] == [early, late]


async def test_a_version_written_after_a_concurrent_one_follows_it(
    feed_pool: asyncpg.Pool[Any], database_url: str
) -> None:
    record = code(70)
    await put_record(feed_pool, registration(record, "版本一"))
    older = await asyncpg.connect(database_url)
    try:
        transaction = older.transaction()
        await transaction.start()
        await put_record(older, registration(code(71), "别的企业"))  # the smaller xid
        await put_record(feed_pool, registration(record, "版本二"))  # a larger xid, committed
        await put_record(older, registration(record, "版本三"))
        await transaction.commit()
    finally:
        await older.close()

    versions = [e.version for e in (await everything(feed_pool)).events if e.uscc == record]
    assert versions == [1, 2, 3]


async def test_the_horizon_is_past_every_complete_event(feed_pool: asyncpg.Pool[Any]) -> None:
    await put_record(feed_pool, registration(code(80), "企业"))
    assert (await read_events(feed_pool, await horizon(feed_pool), 10)).events == []


async def test_a_repair_can_be_recorded_through_the_hook(feed_pool: asyncpg.Pool[Any]) -> None:
    await feed_pool.execute(
        "SELECT credit_event_add(now(), $1, 'REPAIRED', 5, 'PENALTY', 'supervision', NULL)",
        code(90),
    )
    assert kinds(await everything(feed_pool)) == [("REPAIRED", "PENALTY", None)]


@pytest.mark.parametrize("first", [0, -1, 1001])
async def test_a_page_size_out_of_range_is_refused(
    feed_pool: asyncpg.Pool[Any], first: int
) -> None:
    with pytest.raises(InvalidRead, match="first"):
        await read_events(feed_pool, START, first)


async def test_an_empty_or_huge_code_list_is_refused(feed_pool: asyncpg.Pool[Any]) -> None:
    for usccs in ([], [code(1)] * 1001):
        with pytest.raises(InvalidRead, match="usccs"):
            await read_events(feed_pool, START, 10, usccs)


def test_a_cursor_round_trips() -> None:
    position = Position(2**64 - 1, 2**63 - 1)
    assert parse_cursor(position.cursor()) == position


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    ["", "not base64!", "YWJj", _b64("1"), _b64("1:"), _b64("-1:2"), _b64("1:x"),
     _b64("1:2:3"), _b64(f"{2**64}:1"), _b64(f"1:{2**63}"), _b64(" 1:2"), "MTo\u00e92"],
)
def test_a_foreign_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        parse_cursor(cursor)


async def test_a_repair_approved_then_revoked_makes_events(feed_pool: asyncpg.Pool[Any]) -> None:
    uscc = code(95)
    target = int(await put_record(feed_pool, penalty(uscc, "汕市监罚〔2026〕95号", DAY)))
    await feed_pool.execute(
        """
        INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,
                                    applied_at, accept_due)
        VALUES (gen_random_uuid(), $1, $2, 'PENALTY', 'APPLIED', '承诺', now(), $3)
        """,
        uscc, target, DAY,
    )
    steps = [
        "status = 'ACCEPTED', accepted_at = now()",
        "status = 'APPROVED', decided_at = now()",
        "status = 'APPROVED', decision_reason = '材料齐全'",  # no change of status
        "status = 'REVOKED', revoked_at = now()",
    ]
    for step in steps:
        await feed_pool.execute(f"UPDATE credit_repairs SET {step} WHERE target_pk = $1", target)

    assert kinds(await everything(feed_pool)) == [
        ("RECEIVED", "PENALTY", 1), ("REPAIRED", "PENALTY", 1), ("REPAIR_REVOKED", "PENALTY", 1)
    ]
