"""submitCommitment by the bureau's staff: the record written and shown at once, each bad
argument and each exclusion refused with nothing written."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from gateway.records import CommitmentStatus, ListKind
from tests.archive.rows import code, commitment, listing, put_record
from tests.commitments.support import (
    APPROVAL,
    AUTHORITY,
    DAY,
    PROFILE_COMMITMENTS,
    SUBMIT,
    TODAY,
    enterprise,
    refused,
    submission,
    taken,
    written,
)
from tests.schema.conftest import graphql


async def test_a_commitment_is_a_gateway_record_the_profile_shows_at_once(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 1)
    made = taken(await graphql(client, SUBMIT, submission(uscc.lower(), kind=f" {APPROVAL} ",
                                                          content=" 承诺材料真实有效 ")),
                 "submitCommitment")
    assert made["kind"] == APPROVAL and made["content"] == "承诺材料真实有效"
    assert made["status"] == "IN_FORCE" and made["checkedOn"] is None and made["public"] is True
    assert made["committedOn"] == (TODAY - 3 * DAY).isoformat()
    provenance = made["provenance"]
    assert provenance["source"] == "supervision" and provenance["department"] == AUTHORITY
    assert provenance["recordId"].startswith("commitment-")
    profile = await graphql(client, PROFILE_COMMITMENTS, {"uscc": uscc})
    assert profile["data"]["enterprise"]["commitments"] == [made]
    row = await clean_archive.fetchrow(
        "SELECT s.submitted_by, s.by_association, v.version, r.feed FROM commitment_submissions s"
        " JOIN records r ON r.id = s.record_pk JOIN record_versions v ON v.record_pk = r.id"
    )
    assert row is not None and row["version"] == 1 and row["feed"] == "commitments"
    assert row["submitted_by"] == "unauthenticated" and row["by_association"] is False


async def test_a_commitment_kept_unpublished_says_so_and_its_payload_says_so_only_then(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 2)
    hidden = taken(await graphql(client, SUBMIT, submission(uscc, public=False)),
                   "submitCommitment")
    shown = taken(await graphql(client, SUBMIT, submission(uscc)), "submitCommitment")
    assert hidden["public"] is False and shown["public"] is True
    payloads = {
        str(r["id"]): r["public"] for r in await clean_archive.fetch(
            "SELECT id, payload->'public' AS public FROM records WHERE kind = 'COMMITMENT'")
    }
    assert payloads == {hidden["id"]: False, shown["id"]: None}


LONG_KIND = "承" * 51
LONG_CONTENT = "诺" * 2001


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "  "}, "kind: expected some text"),
        ({"kind": LONG_KIND}, "kind: expected at most 50 characters, got 51"),
        ({"content": ""}, "content: expected some text"),
        ({"content": LONG_CONTENT}, "content: expected at most 2000 characters, got 2001"),
        ({"on": (TODAY + DAY).isoformat()}, "is in the future"),
    ],
)
async def test_bad_arguments_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], changes: dict[str, Any],
    message: str,
) -> None:
    uscc = await enterprise(clean_archive, 3)
    before = await written(clean_archive)
    assert message in refused(await graphql(client, SUBMIT, submission(uscc, **changes)))
    assert await written(clean_archive) == before


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"uscc": "9144050700000"}, "INVALID_USCC"),
        ({"on": "2026-02-30"}, "BAD_USER_INPUT"),
        ({"public": "yes"}, "BAD_USER_INPUT"),
        ({"content": None}, "BAD_USER_INPUT"),
    ],
)
async def test_malformed_arguments_get_their_code(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], variables: dict[str, Any],
    code: str,
) -> None:
    uscc = await enterprise(clean_archive, 4)
    body = await graphql(client, SUBMIT, submission(uscc) | variables)
    assert body.get("data") is None and body["errors"][0]["extensions"]["code"] == code, body
    assert (await written(clean_archive))[2] == 0


async def test_an_enterprise_no_source_knows_is_refused(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    await enterprise(clean_archive, 5)
    unknown = code(6)
    message = refused(await graphql(client, SUBMIT, submission(unknown)))
    assert message == f"no source knows the enterprise {unknown}"
    assert (await written(clean_archive))[2] == 0


async def _serious(pool: asyncpg.Pool[Any], uscc: str, **fields: Any) -> None:
    await put_record(pool, listing(uscc, ListKind.SERIOUS_DISHONESTY, TODAY - 100 * DAY,
                                   decision_number="汕市监罚〔2026〕5号", **fields))


async def test_a_serious_listed_enterprise_gets_no_commitment_based_approval(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 7)
    await _serious(clean_archive, uscc, expires_on=TODAY + 900 * DAY)
    before = await written(clean_archive)
    message = refused(await graphql(client, SUBMIT, submission(uscc, kind=APPROVAL)))
    assert "excluded from commitment-based approval" in message
    assert "严重违法失信名单" in message
    assert await written(clean_archive) == before
    # Other kinds of commitment are not excluded.
    taken(await graphql(client, SUBMIT, submission(uscc)), "submitCommitment")


async def test_an_expired_or_later_serious_listing_does_not_exclude(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    expired = await enterprise(clean_archive, 8)
    await _serious(clean_archive, expired, expires_on=TODAY - 10 * DAY)
    taken(await graphql(client, SUBMIT, submission(expired, kind=APPROVAL)), "submitCommitment")
    # Judged on the day of the commitment: a listing after it does not reach back.
    later = await enterprise(clean_archive, 9)
    await _serious(clean_archive, later, expires_on=TODAY + 900 * DAY)
    early = (TODAY - 200 * DAY).isoformat()
    taken(await graphql(client, SUBMIT, submission(later, kind=APPROVAL, on=early)),
          "submitCommitment")


async def test_an_unrepaired_breached_commitment_excludes_commitment_based_approval(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 10)
    await put_record(clean_archive, commitment(uscc, TODAY - 300 * DAY,
                                               status=CommitmentStatus.BREACHED,
                                               checked_on=TODAY - 200 * DAY))
    message = refused(await graphql(client, SUBMIT, submission(uscc, kind=APPROVAL)))
    assert "excluded from commitment-based approval" in message and "未履行" in message
    # One fulfilled is no obstacle.
    other = await enterprise(clean_archive, 11)
    await put_record(clean_archive, commitment(other, TODAY - 300 * DAY,
                                               status=CommitmentStatus.FULFILLED,
                                               checked_on=TODAY - 200 * DAY))
    taken(await graphql(client, SUBMIT, submission(other, kind=APPROVAL)), "submitCommitment")
