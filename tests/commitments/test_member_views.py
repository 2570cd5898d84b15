"""An association's views: its memberships are asked once per request, in one statement for
all the enterprises a field returns, whatever their number."""

from __future__ import annotations

import types
from collections.abc import AsyncIterator
from typing import Any, cast

import asyncpg
import pytest

from auth.principal import Principal
from auth.roles import ROLE_SCOPES, Role
from auth.views import MEMBER_VIEW, PUBLIC_VIEW
from gateway.associations.store import add_member
from gateway.clock import utcnow
from schema.context import Info
from schema.enterprise.access import views_of
from schema.errors import ForbiddenError
from tests.archive.rows import code

ASSOCIATION = "cg_association"
CODES = [code(n) for n in range(1, 101)]


@pytest.fixture
async def logged(
    clean_archive: asyncpg.Pool[Any], database_url: str
) -> AsyncIterator[tuple[asyncpg.Pool[Any], list[str]]]:
    """A pool whose statements are logged; the association has the first two codes."""
    for uscc in CODES[:2]:
        await add_member(clean_archive, ASSOCIATION, uscc, utcnow(), None)
    statements: list[str] = []

    async def init(conn: asyncpg.Connection[Any]) -> None:
        conn.add_query_logger(lambda q: statements.append(q.query))

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1, init=init)
    assert pool is not None
    yield pool, statements
    await pool.close()


def _info(pool: asyncpg.Pool[Any], role: Role, purpose: str | None) -> Info:
    """What views_of reads of a request: the caller, the pool, the request's memberships."""
    principal = Principal(role=role, scopes=ROLE_SCOPES[role], client_id=ASSOCIATION,
                          purpose=purpose)
    context = types.SimpleNamespace(principal=principal, memberships={},
                                    services=types.SimpleNamespace(pool=pool))
    return cast(Info, types.SimpleNamespace(context=context))


def _membership_queries(statements: list[str]) -> int:
    return len([s for s in statements if "association_members" in s])


async def test_members_are_asked_once_per_request_in_one_statement(
    logged: tuple[asyncpg.Pool[Any], list[str]]
) -> None:
    pool, statements = logged
    info = _info(pool, Role.ASSOCIATION, "membership review")
    views = await views_of(info, CODES)
    assert [views[c] for c in CODES[:3]] == [MEMBER_VIEW, MEMBER_VIEW, PUBLIC_VIEW]
    assert set(list(views.values())[2:]) == {PUBLIC_VIEW}
    assert _membership_queries(statements) == 1
    again = await views_of(info, CODES[:5])
    assert again[CODES[0]] is MEMBER_VIEW and _membership_queries(statements) == 1


async def test_a_member_without_a_purpose_is_forbidden_and_others_ask_nothing(
    logged: tuple[asyncpg.Pool[Any], list[str]]
) -> None:
    pool, statements = logged
    with pytest.raises(ForbiddenError):
        await views_of(_info(pool, Role.ASSOCIATION, None), CODES[:1])
    assert (await views_of(_info(pool, Role.ASSOCIATION, None), CODES[2:4])) == {
        CODES[2]: PUBLIC_VIEW, CODES[3]: PUBLIC_VIEW}
    statements.clear()
    views = await views_of(_info(pool, Role.PROCUREMENT, None), CODES[:2])
    assert set(views.values()) == {PUBLIC_VIEW} and _membership_queries(statements) == 0
