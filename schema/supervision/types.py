"""Types of the key-supervision list and of typical cases."""

from __future__ import annotations

import datetime as dt

import strawberry

from gateway.supervision.cases import TypicalCase as CaseRecord
from gateway.supervision.config import SupervisionConfig
from gateway.supervision.entries import Entry
from gateway.supervision.grounds import Origin, Rule
from gateway.supervision.page import EntryQuery, count_entries
from gateway.supervision.typical import count_public
from schema.context import Info
from schema.pagination import PageInfo
from schema.scalars import USCC

strawberry.enum(
    Rule,
    name="KeySupervisionRule",
    description="Grounds of the key-supervision list: KEY_AREA_HIGH_RISK (a key area and a "
    "high credit-risk class, C or D by default), SERIOUS_LIST (an entry on the serious "
    "illegal and dishonest list in force), REPEATED_VIOLATIONS (屡禁不止、屡罚不改: several "
    "penalties for the same violation within a window, by default 3 in 24 months), MANUAL "
    "(added by a supervisor, with a reason).",
)
strawberry.enum(
    Origin,
    name="KeySupervisionOrigin",
    description="DERIVED: put on the list by the rules and taken off when no rule holds any "
    "more; MANUAL: added and removed by a supervisor.",
)


@strawberry.type(description="A ground of an entry: a rule that holds, and why.")
class KeySupervisionGround:
    rule: Rule = strawberry.field(description="The rule.")
    detail: str = strawberry.field(description="What makes it hold, e.g. the penalties counted.")


@strawberry.type(description="A supervision measure taken on the list's enterprises.")
class SupervisionMeasure:
    code: str = strawberry.field(description="The measure's code in the configuration.")
    name: str = strawberry.field(description="Its name, e.g. 重点检查.")


@strawberry.type(description="An enterprise's entry on the key-supervision list (重点监管名单). "
                 "Internal data.")
class KeySupervisionEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    uscc: USCC = strawberry.field(description="The enterprise's code.")
    enterprise_name: str = strawberry.field(description="The enterprise's current name.")
    division: str = strawberry.field(description="Administrative division of its address.")
    origin: Origin = strawberry.field(description="Whether the rules or a supervisor put it "
                                      "there.")
    grounds: list[KeySupervisionGround] = strawberry.field(description="Why it is on the list.")
    measures: list[SupervisionMeasure] = strawberry.field(
        description="The supervision measures taken while the entry is in force."
    )
    since: dt.datetime = strawberry.field(description="When the entry started.")
    reason: str | None = strawberry.field(description="A manual entry's reason.")
    ended_at: dt.datetime | None = strawberry.field(
        description="When the entry ended; null while it is in force."
    )
    end_reason: str | None = strawberry.field(description="Why it ended.")


def entry_type(entry: Entry, config: SupervisionConfig) -> KeySupervisionEntry:
    return KeySupervisionEntry(
        id=strawberry.ID(entry.id),
        uscc=USCC(entry.uscc),
        enterprise_name=entry.enterprise_name,
        division=entry.division,
        origin=entry.origin,
        grounds=[KeySupervisionGround(rule=g.rule, detail=g.detail) for g in entry.grounds],
        measures=[SupervisionMeasure(code=c, name=config.measure_name(c)) for c in entry.measures],
        since=entry.started_at,
        reason=entry.reason,
        ended_at=entry.ended_at,
        end_reason=entry.end_reason,
    )


@strawberry.type(description="One entry of the key-supervision list and its cursor.")
class KeySupervisionEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: KeySupervisionEntry = strawberry.field(description="The entry.")


async def resolve_entry_count(root: KeySupervisionConnection, info: Info) -> int:
    return await count_entries(info.context.services.pool, root.query)


@strawberry.type(description="A page of the key-supervision entries in force.")
class KeySupervisionConnection:
    edges: list[KeySupervisionEdge] = strawberry.field(description="The page's entries, "
                                                       "newest first.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    # A resolver: counting reads every entry in force, so it runs only when asked.
    total_count: int = strawberry.field(
        resolver=resolve_entry_count,
        description="How many entries in force match the division and ground asked for.",
    )
    query: strawberry.Private[EntryQuery]


@strawberry.type(description="A typical case (典型案例): a public penalty presented by the "
                 "bureau.")
class TypicalCase:
    id: strawberry.ID = strawberry.field(description="The case's id.")
    title: str = strawberry.field(description="The case's title.")
    summary: str = strawberry.field(description="What happened and how it was punished.")
    marked_at: dt.datetime = strawberry.field(description="When it was published as a case.")
    penalty_id: strawberry.ID = strawberry.field(description="The penalty (Penalty.id).")
    decision_number: str = strawberry.field(description="The penalty's decision number.")
    decided_on: dt.date = strawberry.field(description="The penalty's decision date.")
    authority: str = strawberry.field(description="The authority that decided it.")
    violation: str = strawberry.field(description="The violation punished.")
    enterprise_name: str = strawberry.field(description="The enterprise's current name.")
    uscc: USCC = strawberry.field(description="The enterprise's code.")


def case_type(case: CaseRecord) -> TypicalCase:
    penalty = case.penalty.record
    return TypicalCase(
        id=strawberry.ID(case.id),
        title=case.title,
        summary=case.summary,
        marked_at=case.marked_at,
        penalty_id=strawberry.ID(case.penalty.id),
        decision_number=penalty.decision_number,
        decided_on=penalty.decided_on,
        authority=penalty.authority,
        violation=penalty.violation,
        enterprise_name=case.enterprise_name,
        uscc=USCC(case.uscc),
    )


@strawberry.type(description="One typical case and its cursor.")
class TypicalCaseEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: TypicalCase = strawberry.field(description="The case.")


async def resolve_case_count(root: TypicalCaseConnection, info: Info) -> int:
    services = info.context.services
    return await count_public(services.pool, root.today, services.rules.rules)


@strawberry.type(description="A page of the typical cases whose penalties are public today.")
class TypicalCaseConnection:
    edges: list[TypicalCaseEdge] = strawberry.field(description="The page's cases, newest "
                                                    "first.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(
        resolver=resolve_case_count,
        description="How many cases are shown today (cases whose penalty is still public).",
    )
    today: strawberry.Private[dt.date]
