"""Types of the audit trail."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.audit.trail import TrailEvent
from schema.scalars import USCC


@strawberry.type(description="One request that touched enterprise data, as the audit trail "
                 "recorded it.")
class AuditEvent:
    seq: strawberry.ID = strawberry.field(
        description="The row's position in the hash-chained trail (a decimal number), as "
        "`credit-gateway audit verify` names rows."
    )
    at: dt.datetime = strawberry.field(description="When the request was served.")
    client_id: str | None = strawberry.field(
        description="The client that called; null for a caller without a token."
    )
    role: str = strawberry.field(description="The caller's role.")
    purpose: str | None = strawberry.field(description="The purpose the caller stated, if any.")
    operation: str | None = strawberry.field(
        description="The GraphQL operation name; null for an anonymous operation."
    )
    usccs: list[USCC] = strawberry.field(
        description="Every enterprise whose data the request returned or checked."
    )
    field_groups: list[str] = strawberry.field(
        description="Which groups of enterprise data the request returned."
    )
    verdicts: list[str] = strawberry.field(description="Verification verdicts the request issued.")
    request_id: str = strawberry.field(
        description="The request's id, as quoted in errors and logs."
    )
    client_address: str | None = strawberry.field(
        description="The caller's network address, when known."
    )

    @classmethod
    def of(cls, event: TrailEvent) -> AuditEvent:
        entry = event.entry
        return cls(
            seq=strawberry.ID(str(event.seq)),
            at=entry.at,
            client_id=entry.client_id,
            role=entry.role,
            purpose=entry.purpose,
            operation=entry.operation,
            usccs=[USCC(code) for code in entry.usccs],
            field_groups=list(entry.field_groups),
            verdicts=list(entry.verdicts),
            request_id=entry.request_id,
            client_address=entry.client_address,
        )
