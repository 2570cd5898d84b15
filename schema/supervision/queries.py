"""Root fields: the key-supervision list (risk:read: internal data) and typical cases
(public)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.supervision.grounds import Rule
from gateway.supervision.page import EntryQuery, entry_cursor, entry_page
from gateway.supervision.typical import case_cursor, public_page
from schema.auditing import note_access
from schema.context import Info
from schema.errors import translated_errors
from schema.pagination import After, PageInfo, PageSize
from schema.permissions import require
from schema.supervision.access import CASES_GROUP, READ_GROUP, supervision_config
from schema.supervision.types import (
    KeySupervisionConnection,
    KeySupervisionEdge,
    TypicalCaseConnection,
    TypicalCaseEdge,
    case_type,
    entry_type,
)

DEFAULT_FIRST = 20


def _given(value: str | None) -> str | None:
    return None if value is strawberry.UNSET else value


async def resolve_key_supervision(
    info: Info,
    first: PageSize = DEFAULT_FIRST,
    after: After = strawberry.UNSET,
    division: Annotated[
        str | None,
        strawberry.argument(description="Administrative division code or prefix of the "
                            "enterprise's registered address, e.g. 440515 for Chenghai."),
    ] = strawberry.UNSET,
    ground: Annotated[
        Rule | None, strawberry.argument(description="Only entries with this ground.")
    ] = strawberry.UNSET,
) -> KeySupervisionConnection:
    require(info, Scope.RISK_READ)
    query = EntryQuery(_given(division), None if ground is strawberry.UNSET else ground)
    with translated_errors():
        query = query.validated()
        page = await entry_page(info.context.services.pool, query,
                                first=DEFAULT_FIRST if first is None else first,
                                after=_given(after))
    config = supervision_config(info)
    edges = [KeySupervisionEdge(cursor=entry_cursor(e), node=entry_type(e, config))
             for e in page.entries]
    note_access(info.context, [e.uscc for e in page.entries], READ_GROUP)
    page_info = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
    return KeySupervisionConnection(edges=edges, page_info=page_info, query=query)


async def resolve_typical_cases(
    info: Info,
    first: PageSize = DEFAULT_FIRST,
    after: After = strawberry.UNSET,
) -> TypicalCaseConnection:
    today = info.context.today
    with translated_errors():
        page = await public_page(info.context.services.pool, today,
                                 first=DEFAULT_FIRST if first is None else first,
                                 after=_given(after), rules=info.context.services.rules.rules)
    edges = [TypicalCaseEdge(cursor=case_cursor(c), node=case_type(c)) for c in page.cases]
    note_access(info.context, [c.uscc for c in page.cases], CASES_GROUP)
    page_info = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
    return TypicalCaseConnection(edges=edges, page_info=page_info, today=today)


@strawberry.type
class SupervisionQuery:
    key_supervision: KeySupervisionConnection = strawberry.field(
        resolver=resolve_key_supervision,
        description="The key-supervision list (重点监管名单): the entries in force, newest "
        "first, each with its grounds and supervision measures. Internal data: needs the "
        "risk:read scope.",
    )
    typical_cases: TypicalCaseConnection = strawberry.field(
        resolver=resolve_typical_cases,
        description="Typical cases (典型案例) published by the bureau, newest first. Public: "
        "no scope needed. A case whose penalty is no longer public (repaired, publicity "
        "ended) is not shown.",
    )
