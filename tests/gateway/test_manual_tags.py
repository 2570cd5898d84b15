"""Manual key-area tags: set by staff with a reason, kept in the history, bad input refused."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any

import asyncpg
import pytest

from gateway.keyareas import DEFAULT_RULES, ManualTagError, set_manual_tag, tag_history
from gateway.records import KeyArea
from tests.archive.rows import code, licence, put_record, registration

AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


async def _areas(pool: asyncpg.Pool[Any], uscc: str) -> list[str]:
    areas: list[str] = await pool.fetchval(
        "SELECT key_areas FROM enterprises WHERE uscc = $1", uscc
    )
    return areas


async def test_manual_tag_added_and_removed_with_history(clean_archive: asyncpg.Pool[Any]) -> None:
    uscc = code(1)
    await put_record(clean_archive, registration(uscc, "汕头市金平区某某食品厂", industry="C2451"))
    async with clean_archive.acquire() as conn:
        assert await set_manual_tag(
            conn,
            uscc,
            KeyArea.SPECIAL_FOOD,
            "专项整治名单",
            present=True,
            rules=DEFAULT_RULES,
            at=AT,
        )
        assert not await set_manual_tag(
            conn, uscc, KeyArea.SPECIAL_FOOD, "again", present=True, rules=DEFAULT_RULES, at=AT
        )
        assert await _areas(clean_archive, uscc) == ["SPECIAL_FOOD"]
        assert await set_manual_tag(
            conn, uscc, KeyArea.SPECIAL_FOOD, "整治结束", present=False, rules=DEFAULT_RULES, at=AT
        )
        history = await tag_history(conn, uscc)
    assert await _areas(clean_archive, uscc) == []
    assert [(h["change"], h["origin"], h["reason"]) for h in history] == [
        ("ADDED", "manual", "专项整治名单"),
        ("REMOVED", "manual", "整治结束"),
    ]


async def test_removing_a_manual_tag_keeps_the_licence_tag(
    clean_archive: asyncpg.Pool[Any],
) -> None:
    uscc = code(2)
    await put_record(clean_archive, registration(uscc, "汕头市某食品有限公司", industry="C2451"))
    await put_record(clean_archive, licence(uscc, "SC10644050700123", dt.date(2024, 1, 1)))
    async with clean_archive.acquire() as conn:
        for present in (True, False):
            await set_manual_tag(
                conn,
                uscc,
                KeyArea.FOOD_PRODUCTION,
                "核查",
                present=present,
                rules=DEFAULT_RULES,
                at=AT,
            )
    assert await _areas(clean_archive, uscc) == ["FOOD_PRODUCTION"]


@pytest.mark.parametrize(
    ("uscc", "reason", "problem"),
    [
        (code(3), "  ", "reason is required"),
        (code(99), "x", "no enterprise"),
    ],
)
async def test_bad_manual_tags_are_refused(
    clean_archive: asyncpg.Pool[Any], uscc: str, reason: str, problem: str
) -> None:
    await put_record(clean_archive, registration(code(3), "汕头市某厂"))
    async with clean_archive.acquire() as conn:
        with pytest.raises(ManualTagError, match=problem):
            await set_manual_tag(
                conn, uscc, KeyArea.SPECIAL_FOOD, reason, present=True, rules=DEFAULT_RULES, at=AT
            )
    assert await clean_archive.fetchval("SELECT count(*) FROM key_area_tag_changes") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tags", "add", "914403001922038217", "SPECIAL_FOOD", "--reason", "x"],
            "not a valid USCC",
        ),
        (["tags", "add", "914403001922038216", "TOYS", "--reason", "x"], "invalid choice"),
        (["tags", "add", "914403001922038216", "SPECIAL_FOOD"], "--reason"),
    ],
)
def test_tags_command_refuses_bad_arguments(
    database_url: str, args: list[str], message: str
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert message in done.stderr
