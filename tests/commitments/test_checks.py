"""recordCommitmentCheck by the bureau's staff: a new version of the commitment with the
evidence kept beside it, each bad argument refused with nothing written, and the breach in
verification."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from tests.archive.rows import commitment, put_record
from tests.commitments.support import (
    CHECK,
    CHECK_OF,
    DAY,
    PROFILE_COMMITMENTS,
    SUBMIT,
    TODAY,
    check,
    enterprise,
    refused,
    submission,
    taken,
    written,
)
from tests.schema.conftest import graphql


async def _submitted(client: httpx.AsyncClient, pool: asyncpg.Pool[Any], n: int) -> str:
    """The id of a commitment made here three days ago by enterprise `n`."""
    uscc = await enterprise(pool, n)
    return str(taken(await graphql(client, SUBMIT, submission(uscc)), "submitCommitment")["id"])


async def test_a_check_is_a_new_version_and_keeps_its_evidence(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    commitment_id = await _submitted(client, clean_archive, 1)
    done = taken(await graphql(client, CHECK, check(commitment_id, evidence=" 核查记录 ")),
                 "recordCommitmentCheck")
    assert done["outcome"] == "BREACHED" and done["evidence"] == "核查记录"
    assert done["checkedOn"] == (TODAY - DAY).isoformat()
    assert done["checkedBy"] == "unauthenticated" and done["recordedAt"]
    after = done["commitment"]
    assert after["id"] == commitment_id and after["status"] == "BREACHED"
    assert after["checkedOn"] == (TODAY - DAY).isoformat()
    uscc = await clean_archive.fetchval("SELECT uscc FROM records WHERE id = $1",
                                        int(commitment_id))
    profile = await graphql(client, PROFILE_COMMITMENTS, {"uscc": uscc})
    assert profile["data"]["enterprise"]["commitments"] == [after]
    versions = await clean_archive.fetch(
        "SELECT version, payload->>'status' AS status FROM record_versions"
        " WHERE record_pk = $1 ORDER BY version", int(commitment_id))
    assert [(v["version"], v["status"]) for v in versions] == [(1, "IN_FORCE"), (2, "BREACHED")]
    kept = await clean_archive.fetchrow("SELECT * FROM commitment_checks")
    assert kept is not None and kept["evidence"] == "核查记录" and kept["outcome"] == "BREACHED"
    assert kept["checked_by"] == "unauthenticated" and kept["by_association"] is False


async def test_a_fulfilled_commitment_is_final(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    commitment_id = await _submitted(client, clean_archive, 2)
    done = taken(await graphql(client, CHECK, check(commitment_id, outcome="FULFILLED",
                                                    on=TODAY.isoformat())),
                 "recordCommitmentCheck")
    assert done["commitment"]["status"] == "FULFILLED"
    before = await written(clean_archive)
    message = refused(await graphql(client, CHECK, check(commitment_id)))
    assert message == (f"commitment {commitment_id} was already checked: FULFILLED on "
                       f"{TODAY.isoformat()}")
    assert await written(clean_archive) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"on": (TODAY + DAY).isoformat()}, "is in the future"),
        ({"on": (TODAY - 4 * DAY).isoformat()}, "is before the commitment"),
        ({"evidence": " \n "}, "evidence: expected some text"),
        ({"evidence": "证" * 5001}, "evidence: expected at most 5000 characters, got 5001"),
        ({"id": "abc"}, "commitmentId: not an archive id, got 'abc'"),
        ({"id": "-1"}, "commitmentId: not an archive id"),
        ({"id": "9" * 19}, "commitmentId: not an archive id"),
        ({"id": "987654"}, "commitmentId: no commitment 987654"),
    ],
)
async def test_bad_arguments_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], changes: dict[str, Any],
    message: str,
) -> None:
    commitment_id = await _submitted(client, clean_archive, 3)
    before = await written(clean_archive)
    assert message in refused(await graphql(client, CHECK, check(commitment_id, **changes)))
    assert await written(clean_archive) == before


@pytest.mark.parametrize("changes", [{"outcome": "IN_FORCE"}, {"outcome": "broken"},
                                     {"on": "yesterday"}, {"evidence": None}])
async def test_malformed_arguments_are_bad_user_input(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any], changes: dict[str, Any]
) -> None:
    commitment_id = await _submitted(client, clean_archive, 4)
    body = await graphql(client, CHECK, check(commitment_id, **changes))
    assert body.get("data") is None and body["errors"][0]["extensions"]["code"] == \
        "BAD_USER_INPUT", body
    assert (await written(clean_archive))[3] == 0


async def test_another_records_id_and_a_departments_commitment_are_refused(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 5)
    registration_id = await clean_archive.fetchval("SELECT id FROM records WHERE uscc = $1", uscc)
    message = refused(await graphql(client, CHECK, check(str(registration_id))))
    assert message == f"commitmentId: no commitment {registration_id}"
    delivered = await put_record(clean_archive, commitment(uscc, TODAY - 30 * DAY))
    before = await written(clean_archive)
    message = refused(await graphql(client, CHECK, check(delivered)))
    assert message == (f"commitment {delivered} comes from source 'credit' (信用监管): it is "
                       f"checked in that department's system")
    assert await written(clean_archive) == before


async def test_the_check_is_read_back_with_its_evidence(
    client: httpx.AsyncClient, clean_archive: asyncpg.Pool[Any]
) -> None:
    commitment_id = await _submitted(client, clean_archive, 6)
    unchecked = await graphql(client, CHECK_OF, {"id": commitment_id})
    assert unchecked == {"data": {"commitmentCheck": None}}
    done = taken(await graphql(client, CHECK, check(commitment_id)), "recordCommitmentCheck")
    read = taken(await graphql(client, CHECK_OF, {"id": commitment_id}), "commitmentCheck")
    assert read == done
    for bad, message in (("x1", "not an archive id"), ("424242", "no commitment 424242")):
        body = await graphql(client, CHECK_OF, {"id": bad})
        assert body["data"] == {"commitmentCheck": None}
        assert message in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
