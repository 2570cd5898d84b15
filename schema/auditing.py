"""The audit row of a GraphQL request: built from what its resolvers noted in the context,
written (durably) before the response goes out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from gateway.audit.entry import AuditEntry
from gateway.audit.hook import DecisionHook, audit_hook
from gateway.audit.writer import AuditError
from gateway.clock import utcnow
from schema.context import Context
from schema.errors import ErrorCode

AUDIT_FAILED = "The access could not be recorded in the audit trail, so no data is returned."


class RecordOperation(SchemaExtension):
    """Keeps the operation's name in the context, for the audit row."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.operation_name = self.execution_context.operation_name
        yield


def note_access(context: Context, usccs: Iterable[str], group: str) -> None:
    """Note for the request's audit row the enterprises concerned and the group of data
    returned or decided about (nothing when there are no codes)."""
    codes = set(usccs)
    if codes:
        context.touched.update(codes)
        context.field_groups.add(group)


def decision_hook(context: Context, group: str) -> DecisionHook | None:
    """The audit row of a decision about one enterprise, written in the decision's own
    transaction (None when auditing is off). The request's row follows as usual."""
    if context.services.audit is None:
        return None
    return audit_hook(lambda uscc: entry_for(context, [uscc], [group], context.operation_name))


def audit_entry(context: Context) -> AuditEntry | None:
    """The row for this request, or None when it touched no enterprise data."""
    if not context.touched and not context.verdicts:
        return None
    return entry_for(context, context.touched, context.field_groups, context.operation_name)


def entry_for(
    context: Context, usccs: Iterable[str], groups: Iterable[str], operation: str | None
) -> AuditEntry:
    """An audit row of the caller of `context` for these codes and groups."""
    principal = context.principal
    client = context.request.client
    return AuditEntry(
        at=utcnow(),
        client_id=principal.client_id,
        role=principal.role.value,
        purpose=principal.purpose,
        operation=operation,
        usccs=tuple(sorted(set(usccs))),
        field_groups=tuple(sorted(set(groups))),
        verdicts=tuple(context.verdicts),
        request_id=context.request_id,
        client_address=None if client is None else client.host,
    )


async def audited(context: Context, result: ExecutionResult) -> ExecutionResult:
    """`result` once its audit row is durable; an INTERNAL error without data when the row
    could not be written."""
    writer = context.services.audit
    entry = audit_entry(context)
    if writer is None or entry is None:
        return result
    try:
        await writer.append(entry, context.attached)
    except AuditError:
        return ExecutionResult(
            data=None,
            errors=[
                GraphQLError(
                    AUDIT_FAILED,
                    extensions={"code": ErrorCode.INTERNAL.value, "requestId": context.request_id},
                )
            ],
        )
    return result
