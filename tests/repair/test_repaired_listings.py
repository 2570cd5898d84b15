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
from gateway.rules.publicity import period_end
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


async def test_a_revoked_repair_restarts_a_serious_entry_in_publicity_and_search(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    """Listed 40 months ago (expired 4 months ago), repaired 2 years ago, the repair revoked
    for fraud 1 year ago: in force again until 36 months after the revocation."""
    pool = clean_archive
    today = today_in_shanghai()
    uscc = code(78)
    await put_record(pool, registration(uscc, "汕头市测试78号有限公司"))
    listed_on = today - 1220 * DAY
    expires_on = today - 120 * DAY
    entry = await put_record(pool, listing(uscc, ListKind.SERIOUS_DISHONESTY, listed_on,
                                           expires_on=expires_on))
    approved_on, revoked_on = today - 730 * DAY, today - 365 * DAY
    now = dt.datetime.now(dt.UTC)
    await pool.execute(
        "INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,"
        " applied_at, accept_due, accepted_at, decided_at, decided_on, revoked_at, revoked_on)"
        " VALUES ($1, $2, $3, 'SERIOUS_LISTING', 'REVOKED', '守信承诺', $4, $5, $4, $4, $5, $4,"
        " $6)",
        uuid.uuid4(), uscc, int(entry), now - 800 * DAY, approved_on, revoked_on)

    async def published(day: dt.date) -> list[Any]:
        page = await publicity_page(pool, PublicityQuery(ListKind.SERIOUS_DISHONESTY, day),
                                    first=10, after=None)
        return [e.stored for e in page.entries]

    [now_entry] = await published(today)
    assert now_entry.id == entry
    assert now_entry.record.expires_on == period_end(revoked_on, 36) > today
    assert await published(approved_on + DAY) == []  # lifted between approval and revocation
    [before] = await published(approved_on - DAY)
    assert before.record.expires_on == expires_on
    listed = EnterpriseFilter(listed=ListKind.SERIOUS_DISHONESTY).validated()
    assert await count_enterprises(pool, listed, today=today) == 1
    profile = await load_profile(pool, uscc)
    assert profile is not None
    assert judge(profile, Purpose.GOVERNMENT_PROCUREMENT, today).verdict is Verdict.RESTRICTED


async def test_without_the_revocation_the_expired_serious_entry_is_not_published(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    pool = clean_archive
    today = today_in_shanghai()
    uscc = code(79)
    await put_record(pool, registration(uscc, "汕头市测试79号有限公司"))
    await put_record(pool, listing(uscc, ListKind.SERIOUS_DISHONESTY, today - 1220 * DAY,
                                   expires_on=today - 120 * DAY))
    page = await publicity_page(pool, PublicityQuery(ListKind.SERIOUS_DISHONESTY, today),
                                first=10, after=None)
    assert page.entries == ()
    listed = EnterpriseFilter(listed=ListKind.SERIOUS_DISHONESTY).validated()
    assert await count_enterprises(pool, listed, today=today) == 0
