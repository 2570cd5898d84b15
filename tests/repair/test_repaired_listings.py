"""A list entry lifted by an approved credit repair leaves every view of the lists: the
centralised publicity, the `listed` search filter and verifications, also as of a past day."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from gateway.archive.profile import load_profile
from gateway.archive.search import EnterpriseFilter, count_enterprises
from gateway.archive.valid_time import load_profiles_valid_at
from gateway.lists.publicity import PublicityQuery, publicity_page
from gateway.records import ListKind
from gateway.rules.verification import Purpose, Verdict, judge
from schema.context import today_in_shanghai
from tests.archive.rows import code, listing, put_record, registration

DAY = dt.timedelta(days=1)


async def test_an_approved_repair_lifts_the_entry_everywhere_from_its_day(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    pool = clean_archive
    today = today_in_shanghai()
    uscc = code(77)
    await put_record(pool, registration(uscc, "汕头市测试77号有限公司"))
    entry = await put_record(pool, listing(uscc, ListKind.ABNORMAL_OPERATIONS, today - 400 * DAY))
    now = dt.datetime.now(dt.UTC)
    await pool.execute(
        "INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,"
        " applied_at, accept_due, accepted_at, decided_at, decided_on)"
        " VALUES ($1, $2, $3, 'ABNORMAL_LISTING', 'APPROVED', '守信承诺', $4, $5, $4, $4, $5)",
        uuid.uuid4(), uscc, int(entry), now - 5 * DAY, today - 5 * DAY)

    page = await publicity_page(pool, PublicityQuery(ListKind.ABNORMAL_OPERATIONS, today),
                                first=10, after=None)
    assert page.entries == ()
    before = await publicity_page(
        pool, PublicityQuery(ListKind.ABNORMAL_OPERATIONS, today - 10 * DAY), first=10, after=None)
    assert [e.stored.id for e in before.entries] == [entry]
    listed = EnterpriseFilter(listed=ListKind.ABNORMAL_OPERATIONS).validated()
    assert await count_enterprises(pool, listed, today=today) == 0

    current = await load_profile(pool, uscc)
    assert current is not None
    purpose = Purpose.CHANGE_REGISTRATION
    assert judge(current, purpose, today).verdict is Verdict.CLEAR
    yesterday = (await load_profiles_valid_at(pool, [uscc], now - DAY))[uscc]
    assert judge(yesterday, purpose, today - DAY).verdict is Verdict.CLEAR
    earlier = (await load_profiles_valid_at(pool, [uscc], now - 10 * DAY))[uscc]
    assert judge(earlier, purpose, today - 10 * DAY).verdict is Verdict.RESTRICTED
