"""Types of the change feed."""

from __future__ import annotations

import datetime as dt

import strawberry

import schema.enums  # noqa: F401 (registers RecordKind)
from gateway import records
from gateway.events import feed
from schema.pagination import PageInfo
from schema.scalars import USCC

if not hasattr(feed.EventKind, "_enum_definition"):
    strawberry.enum(
        feed.EventKind,
        name="CreditEventKind",
        description="What happened to a record: RECEIVED (a new record), CHANGED (a new "
        "version), LISTED (a new entry on a credit list), REMOVED (a list entry removed), "
        "REPAIRED (a credit repair of the record was approved), REPAIR_REVOKED (that approval "
        "was revoked: the record is public again).",
    )


@strawberry.type(description="One change of one enterprise's credit records.")
class CreditEvent:
    seq: strawberry.ID = strawberry.field(
        description="The event's number (a decimal number); unique, not an order."
    )
    cursor: str = strawberry.field(
        description="Pass as `after` to creditEvents or creditChanged to resume after this "
        "event."
    )
    at: dt.datetime = strawberry.field(description="When the gateway received the change.")
    uscc: USCC = strawberry.field(description="The enterprise the change is about.")
    kind: feed.EventKind = strawberry.field(description="What happened.")
    record_kind: records.RecordKind | None = strawberry.field(
        description="The kind of the record that changed; null when no record did."
    )
    record_id: strawberry.ID | None = strawberry.field(
        description="The archive id of the record that changed (as in the profile's records); "
        "null when no record did."
    )
    source: str | None = strawberry.field(
        description="The source the change came from (`supervision`: a supervisor's decision)."
    )
    version: int | None = strawberry.field(
        description="The record's version after the change (1 for a new record)."
    )

    @classmethod
    def of(cls, event: feed.CreditEvent) -> CreditEvent:
        return cls(
            seq=strawberry.ID(str(event.position.seq)),
            cursor=event.position.cursor(),
            at=event.at,
            uscc=USCC(event.uscc),
            kind=event.kind,
            record_kind=None if event.record_kind is None else records.RecordKind(
                event.record_kind
            ),
            record_id=None if event.record_pk is None else strawberry.ID(str(event.record_pk)),
            source=event.source,
            version=event.version,
        )


@strawberry.type(description="A change feed event and where to resume after it.")
class CreditEventEdge:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    node: CreditEvent = strawberry.field(description="The event.")


@strawberry.type(description="A page of the change feed, in feed order.")
class CreditEventConnection:
    edges: list[CreditEventEdge] = strawberry.field(description="The events of this page.")
    page_info: PageInfo = strawberry.field(
        description="Whether more events are complete now, and the cursor to resume from. "
        "The end cursor is set on an empty page too: a consumer always resumes from it."
    )

    @classmethod
    def of(cls, page: feed.Page) -> CreditEventConnection:
        nodes = [CreditEvent.of(event) for event in page.events]
        return cls(
            edges=[CreditEventEdge(cursor=n.cursor, node=n) for n in nodes],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end.cursor()),
        )
