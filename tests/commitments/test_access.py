"""Over HTTP with real tokens: who may record commitments and checks, what an association
sees of members and others, unpublished commitments, and a breach in verification."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from auth.roles import Role
from tests.archive.rows import penalty, put_record
from tests.auth.conftest import Gateway, get_token, new_client, post
from tests.commitments.support import (
    APPROVAL,
    CHECK,
    CHECK_OF,
    DAY,
    PROFILE_COMMITMENTS,
    SUBMIT,
    TODAY,
    VERIFY,
    check,
    enterprise,
    refused,
    submission,
    taken,
    written,
)

PURPOSE = {"x-purpose": "membership%20review"}
ADD = """
mutation($client: String!, $uscc: USCC!) {
  addAssociationMember(associationClientId: $client, uscc: $uscc) {
    associationClientId uscc addedAt addedBy } }
"""
PENALTIES = "query($uscc: USCC!) { enterprise(uscc: $uscc) { penalties { decisionNumber } } }"
SEARCH = """
query { enterprises(first: 10) { edges { node { uscc penalties { decisionNumber } } } } }
"""


async def _caller(
    gateway: Gateway, pool: asyncpg.Pool[Any], role: Role
) -> tuple[str, dict[str, str]]:
    """A new client of `role`: its id and the headers of its token."""
    credentials = await new_client(pool, role, f"测试{role.value}")
    token = await get_token(gateway.url, credentials)
    return credentials.client_id, {"authorization": f"Bearer {token}"}


async def _association_with_member(
    gateway: Gateway, pool: asyncpg.Pool[Any], member: str
) -> dict[str, str]:
    """Headers of a new association client whose member `member` an admin just added."""
    client_id, headers = await _caller(gateway, pool, Role.ASSOCIATION)
    admin_id, admin = await _caller(gateway, pool, Role.ADMIN)
    added = taken(await post(gateway, ADD, {"client": client_id, "uscc": member}, admin),
                  "addAssociationMember")
    assert added["associationClientId"] == client_id and added["uscc"] == member
    assert added["addedBy"] == admin_id
    return headers


async def test_an_association_records_and_checks_self_discipline_commitments_of_members(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    member, other = await enterprise(clean_archive, 1), await enterprise(clean_archive, 2)
    association = await _association_with_member(gateway, clean_archive, member)
    made = taken(await post(gateway, SUBMIT, submission(member), association), "submitCommitment")
    done = taken(await post(gateway, CHECK, check(made["id"], outcome="FULFILLED"), association),
                 "recordCommitmentCheck")
    assert done["commitment"]["status"] == "FULFILLED"
    assert await clean_archive.fetchval("SELECT bool_and(by_association) FROM commitment_checks")
    read = await post(gateway, CHECK_OF, {"id": made["id"]}, association)
    assert read["data"]["commitmentCheck"] == done
    # The submission and the check each wrote a row in their transaction besides the
    # request's own.
    groups = await clean_archive.fetch(
        "SELECT request_id, count(*) AS n FROM audit_log WHERE $1 = ANY(usccs)"
        " AND 'commitments' = ANY(field_groups) GROUP BY request_id", member)
    assert sorted(g["n"] for g in groups)[-2:] == [2, 2]

    before = await written(clean_archive)
    message = refused(await post(gateway, SUBMIT, submission(other), association), "FORBIDDEN")
    assert message == "the enterprise is not a member of this association"
    message = refused(await post(gateway, SUBMIT, submission(member, kind=APPROVAL), association),
                      "FORBIDDEN")
    assert "only self-discipline commitments" in message
    assert await written(clean_archive) == before


async def test_an_association_checks_no_commitment_of_a_non_member_nor_of_another_kind(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    member, other = await enterprise(clean_archive, 3), await enterprise(clean_archive, 4)
    association = await _association_with_member(gateway, clean_archive, member)
    _, supervisor = await _caller(gateway, clean_archive, Role.SUPERVISOR)
    outside = taken(await post(gateway, SUBMIT, submission(other), supervisor),
                    "submitCommitment")
    approval = taken(await post(gateway, SUBMIT, submission(member, kind=APPROVAL), supervisor),
                     "submitCommitment")
    before = await written(clean_archive)
    message = refused(await post(gateway, CHECK, check(outside["id"]), association), "FORBIDDEN")
    assert message == "the enterprise is not a member of this association"
    message = refused(await post(gateway, CHECK, check(approval["id"]), association), "FORBIDDEN")
    assert "only self-discipline commitments" in message
    assert await written(clean_archive) == before
    body = await post(gateway, CHECK_OF, {"id": outside["id"]}, association)
    assert body["data"] == {"commitmentCheck": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.PROCUREMENT, Role.ADMIN, Role.PUBLIC])
async def test_callers_without_the_scope_are_forbidden(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any], role: Role
) -> None:
    uscc = await enterprise(clean_archive, 5)
    _, supervisor = await _caller(gateway, clean_archive, Role.SUPERVISOR)
    made = taken(await post(gateway, SUBMIT, submission(uscc), supervisor), "submitCommitment")
    headers = {} if role is Role.PUBLIC else (await _caller(gateway, clean_archive, role))[1]
    before = await written(clean_archive)
    for document, variables in ((SUBMIT, submission(uscc)), (CHECK, check(made["id"]))):
        message = refused(await post(gateway, document, variables, headers), "FORBIDDEN")
        assert message == "needs the commitments:write scope"
    body = await post(gateway, CHECK_OF, {"id": made["id"]}, headers)
    assert body["data"] == {"commitmentCheck": None}
    assert body["errors"][0]["message"] == "needs the commitments:write scope"
    assert await written(clean_archive) == before


async def test_an_association_sees_members_as_a_partner_and_others_as_the_public(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    member, other = await enterprise(clean_archive, 6), await enterprise(clean_archive, 7)
    for uscc in (member, other):  # a warning: never published, seen only with every record
        await put_record(clean_archive, penalty(uscc, f"简罚-{uscc}", TODAY - 10 * DAY,
                                                procedure="SIMPLE", measures=("WARNING",),
                                                fine_amount=None))
    association = await _association_with_member(gateway, clean_archive, member)
    with_purpose = association | PURPOSE

    def numbers(body: dict[str, Any]) -> list[str]:
        assert "errors" not in body, body
        return [p["decisionNumber"] for p in body["data"]["enterprise"]["penalties"]]

    assert numbers(await post(gateway, PENALTIES, {"uscc": member}, with_purpose)) == [
        f"简罚-{member}"]
    assert numbers(await post(gateway, PENALTIES, {"uscc": other}, with_purpose)) == []
    # Like a partner, the full view needs a stated purpose; the public view does not.
    unstated = await post(gateway, PENALTIES, {"uscc": member}, association)
    assert unstated["data"] == {"enterprise": None}
    assert [e["extensions"]["code"] for e in unstated["errors"]] == ["FORBIDDEN"]
    assert numbers(await post(gateway, PENALTIES, {"uscc": other}, association)) == []
    page = await post(gateway, SEARCH, {}, with_purpose)
    seen = {e["node"]["uscc"]: len(e["node"]["penalties"])
            for e in page["data"]["enterprises"]["edges"]}
    assert seen == {member: 1, other: 0}


async def test_a_removed_member_is_seen_as_the_public_sees_it(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    member = await enterprise(clean_archive, 8)
    await put_record(clean_archive, penalty(member, "简罚-8", TODAY - 10 * DAY, procedure="SIMPLE",
                                            measures=("WARNING",), fine_amount=None))
    client_id, association = await _caller(gateway, clean_archive, Role.ASSOCIATION)
    _, admin = await _caller(gateway, clean_archive, Role.ADMIN)
    taken(await post(gateway, ADD, {"client": client_id, "uscc": member}, admin),
          "addAssociationMember")
    remove = ADD.replace("addAssociationMember", "removeAssociationMember")
    removed = taken(await post(gateway, remove, {"client": client_id, "uscc": member}, admin),
                    "removeAssociationMember")
    assert removed["uscc"] == member
    body = await post(gateway, PENALTIES, {"uscc": member}, association | PURPOSE)
    assert body["data"]["enterprise"]["penalties"] == []


async def test_an_unpublished_commitment_is_hidden_from_the_public_only(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 9)
    _, supervisor = await _caller(gateway, clean_archive, Role.SUPERVISOR)
    hidden = taken(await post(gateway, SUBMIT, submission(uscc, public=False), supervisor),
                   "submitCommitment")
    shown = taken(await post(gateway, SUBMIT, submission(uscc, content="公开承诺"), supervisor),
                  "submitCommitment")
    _, partner = await _caller(gateway, clean_archive, Role.PARTNER)

    async def ids(headers: dict[str, str]) -> set[str]:
        body = await post(gateway, PROFILE_COMMITMENTS, {"uscc": uscc}, headers)
        return {c["id"] for c in body["data"]["enterprise"]["commitments"]}

    assert await ids({}) == {shown["id"]}
    assert await ids(partner | PURPOSE) == {shown["id"], hidden["id"]}
    assert await ids(supervisor | PURPOSE) == {shown["id"], hidden["id"]}


async def test_a_recorded_breach_restricts_commitment_based_approval(
    gateway: Gateway, clean_archive: asyncpg.Pool[Any]
) -> None:
    uscc = await enterprise(clean_archive, 10)
    _, supervisor = await _caller(gateway, clean_archive, Role.SUPERVISOR)
    _, verifier = await _caller(gateway, clean_archive, Role.PROCUREMENT)
    made = taken(await post(gateway, SUBMIT, submission(uscc, kind=APPROVAL), supervisor),
                 "submitCommitment")
    before = await post(gateway, VERIFY, {"uscc": uscc}, verifier)
    assert before["data"]["verifyCredit"]["verdict"] == "CLEAR", before
    taken(await post(gateway, CHECK, check(made["id"]), supervisor), "recordCommitmentCheck")
    after = (await post(gateway, VERIFY, {"uscc": uscc}, verifier))["data"]["verifyCredit"]
    assert after["verdict"] == "RESTRICTED"
    assert after["findings"] == [{"code": "COMMITMENT_BREACHED", "effect": "RESTRICTS",
                                  "record": {"id": made["id"], "kind": "COMMITMENT"}}]
    # And the enterprise now gets no new commitment-based approval.
    again = submission(uscc, kind=APPROVAL, on=TODAY.isoformat())
    message = refused(await post(gateway, SUBMIT, again, supervisor))
    assert "excluded from commitment-based approval" in message
