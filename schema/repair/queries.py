"""Root field listing repair applications for supervisors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.repair import store
from gateway.repair.model import RepairRefused, RepairStatus
from schema.auditing import note_access
from schema.context import Info
from schema.errors import BadUserInputError
from schema.pagination import After, PageInfo, PageSize
from schema.permissions import require
from schema.repair.mutations import REPAIR_GROUP
from schema.repair.types import CreditRepairConnection, CreditRepairEdge, credit_repair
from schema.scalars import USCC

DEFAULT_FIRST = 20


def _may_list(info: Info) -> None:
    require(info, Scope.REPAIR_WRITE)


async def resolve_credit_repairs(
    info: Info,
    status: Annotated[
        RepairStatus | None, strawberry.argument(description="Only applications in this state.")
    ] = None,
    overdue: Annotated[
        bool | None,
        strawberry.argument(description="true: only those whose next step is overdue today; "
                            "false: only those that are not; null: all."),
    ] = None,
    uscc: Annotated[
        USCC | None, strawberry.argument(description="Only this enterprise's applications.")
    ] = None,
    first: PageSize = DEFAULT_FIRST,
    after: After = None,
) -> CreditRepairConnection:
    _may_list(info)
    today = info.context.today
    try:
        page = await store.repair_page(
            info.context.services.pool, status=status, overdue=overdue, today=today,
            uscc=uscc, first=DEFAULT_FIRST if first is None else first, after=after,
        )
    except RepairRefused as e:
        raise BadUserInputError(str(e)) from None
    note_access(info.context, [r.uscc for r in page.repairs], REPAIR_GROUP)
    edges = [CreditRepairEdge(cursor=store.encode_cursor(r), node=credit_repair(r, today))
             for r in page.repairs]
    return CreditRepairConnection(
        edges=edges, page_info=PageInfo(has_next_page=page.has_next_page,
                                        end_cursor=page.end_cursor),
    )


@strawberry.type
class RepairQuery:
    credit_repairs: CreditRepairConnection = strawberry.field(
        resolver=resolve_credit_repairs,
        description="Credit-repair applications, newest first, with their due dates and "
        "whether the bureau's next step is overdue. Needs repair:write (supervisors).",
    )
