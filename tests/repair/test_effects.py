"""What approved and revoked repairs do: to publicity, list entries, verification, and to
profiles read now and as of a past instant."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import asyncpg

from gateway.archive.profile import load_profile
from gateway.records import InspectionResult, ListKind
from gateway.repair.effects import (
    REPAIRED_REASON,
    RepairDates,
    effective_listing,
    inspection_repair_dates,
    published_revocations,
    repair_dates,
)
from gateway.rules.verification import FindingCode, Purpose, judge
from tests.archive.rows import code, put_record, registration
from tests.repair.test_eligibility import GENERAL, D, _entry, _inspection, profile_of


def test_a_repair_ends_publicity_and_a_restart_counts_again_from_the_revocation() -> None:
    profile, [pid] = profile_of(GENERAL)
    repaired = dataclasses.replace(profile, repairs={pid: D(2026, 6, 1)})
    assert repair_dates(repaired, pid, D(2026, 6, 1)).repaired_on == D(2026, 6, 1)
    restarted = dataclasses.replace(profile, restarts={pid: D(2026, 7, 1)})
    assert repair_dates(restarted, pid, D(2026, 7, 1)).published_on == D(2026, 7, 1)
    assert repair_dates(restarted, pid, D(2026, 6, 30)).published_on is None


def test_a_revocation_is_public_from_its_day_for_three_years() -> None:
    profile, [pid] = profile_of(GENERAL)
    restarted = dataclasses.replace(profile, restarts={pid: D(2026, 7, 1)})
    assert published_revocations(restarted, D(2026, 6, 30)) == ()
    [first] = published_revocations(restarted, D(2026, 7, 1))
    assert (first.record_id, first.revoked_on, first.public_until) == (
        pid, D(2026, 7, 1), D(2029, 7, 2))
    assert published_revocations(restarted, D(2029, 7, 1)) == (first,)
    assert published_revocations(restarted, D(2029, 7, 2)) == ()
    assert published_revocations(profile, D(2026, 7, 1)) == ()


def test_a_linked_inspection_follows_its_penalty_repair_and_restart() -> None:
    linked = dataclasses.replace(
        _inspection(InspectionResult.RULE_VIOLATION, D(2026, 1, 20)),
        penalty_number=GENERAL.decision_number)
    profile, [pid, iid] = profile_of(GENERAL, linked)
    [stored] = profile.inspections
    assert inspection_repair_dates(profile, stored, D(2026, 6, 1)) == RepairDates(None, None)
    repaired = dataclasses.replace(profile, repairs={pid: D(2026, 6, 1)})
    assert inspection_repair_dates(repaired, stored, D(2026, 6, 1)).repaired_on == D(2026, 6, 1)
    restarted = dataclasses.replace(profile, restarts={pid: D(2026, 7, 1)})
    assert inspection_repair_dates(restarted, stored, D(2026, 7, 1)).published_on == D(2026, 7, 1)
    unlinked = dataclasses.replace(profile, repairs={iid: D(2026, 5, 1)})
    assert inspection_repair_dates(unlinked, stored, D(2026, 6, 1)).repaired_on == D(2026, 5, 1)


def test_verification_no_longer_counts_a_repaired_penalty_or_entry() -> None:
    entry = _entry(ListKind.ABNORMAL_OPERATIONS, D(2026, 3, 1))
    profile, [pid, eid] = profile_of(GENERAL, entry)
    before = judge(profile, Purpose.GOVERNMENT_PROCUREMENT, D(2026, 6, 1))
    codes = {f.code for f in before.findings}
    assert {FindingCode.PENALTY_IN_PUBLICITY, FindingCode.ABNORMAL_LIST_ACTIVE} <= codes
    repaired = dataclasses.replace(profile, repairs={pid: D(2026, 6, 1), eid: D(2026, 6, 1)})
    after = judge(repaired, Purpose.GOVERNMENT_PROCUREMENT, D(2026, 6, 1))
    assert not {f.code for f in after.findings} & codes
    # The day before the repair, both still counted.
    earlier = judge(repaired, Purpose.GOVERNMENT_PROCUREMENT, D(2026, 5, 31))
    assert codes <= {f.code for f in earlier.findings}


def test_a_repaired_entry_is_removed_and_a_restarted_serious_entry_runs_a_new_term() -> None:
    entry = _entry(ListKind.SERIOUS_DISHONESTY, D(2026, 1, 5), expires_on=D(2029, 1, 6))
    profile, [eid] = profile_of(entry)
    stored = profile.listings[0]
    repaired = dataclasses.replace(profile, repairs={eid: D(2027, 2, 1)})
    removed = effective_listing(repaired, stored, D(2027, 2, 1))
    assert removed.removed_on == D(2027, 2, 1) and removed.removal_reason == REPAIRED_REASON
    restarted = dataclasses.replace(profile, restarts={eid: D(2027, 3, 1)})
    assert effective_listing(restarted, stored, D(2027, 3, 1)).expires_on == D(2030, 3, 2)
    assert effective_listing(restarted, stored, D(2027, 2, 28)).expires_on == D(2029, 1, 6)


async def test_profiles_carry_repairs_now_and_as_of(clean_archive: asyncpg.Pool[Any]) -> None:
    pool = clean_archive
    uscc = code(3)
    await put_record(pool, registration(uscc, "汕头市修复测试有限公司"))
    record = await put_record(pool, dataclasses.replace(GENERAL, uscc=uscc))
    t0 = dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC)
    await pool.execute(
        """
        INSERT INTO credit_repairs (id, uscc, target_pk, target_kind, status, commitment_text,
            applied_at, accept_due, accepted_at, decide_due, decided_at, decided_on,
            revoked_at, revoked_on)
        VALUES (gen_random_uuid(), $1, $2, 'PENALTY', 'REVOKED', '承诺', $3, $4, $3, $4,
                $5, $6, $7, $8)
        """,
        uscc, int(record), t0, D(2026, 6, 3), t0 + dt.timedelta(days=2), D(2026, 6, 3),
        t0 + dt.timedelta(days=30), D(2026, 7, 1),
    )
    now = await load_profile(pool, uscc)
    assert now is not None and now.repairs == {} and now.restarts == {record: D(2026, 7, 1)}
    between = await load_profile(pool, uscc, as_of=t0 + dt.timedelta(days=10))
    assert between is not None
    assert between.repairs == {record: D(2026, 6, 3)} and between.restarts == {}
    before = await load_profile(pool, uscc, as_of=t0)
    assert before is not None and before.repairs == {} and before.restarts == {}
