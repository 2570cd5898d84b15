"""Supervisors' decisions about the key-supervision list (scopes lists:write and risk:read)
and typical cases (lists:write). A refused decision raises BAD_USER_INPUT naming why and
writes nothing; every decision, taken or refused, is audited."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.roles import Scope
from gateway.supervision.manual import ManualEntries
from gateway.supervision.typical import TypicalCases
from schema.auditing import decision_hook, note_access
from schema.context import Info
from schema.errors import translated_errors
from schema.permissions import require
from schema.scalars import USCC
from schema.supervision.access import CASES_GROUP, DECISION_GROUP, supervision_config
from schema.supervision.types import KeySupervisionEntry, TypicalCase, case_type, entry_type

_PENALTY = "The penalty (Penalty.id)."


def _manual(info: Info) -> ManualEntries:
    """The manual entries, once the caller may decide them and read the list (the answers and
    refusals name an entry's grounds, which may name its risk class: internal)."""
    require(info, Scope.LISTS_WRITE)
    require(info, Scope.RISK_READ)
    services = info.context.services
    return ManualEntries(services.pool, supervision_config(info), info.context.principal.client_id,
                         decision_hook(info.context, DECISION_GROUP))


def _cases(info: Info) -> TypicalCases:
    require(info, Scope.LISTS_WRITE)
    services = info.context.services
    return TypicalCases(services.pool, info.context.principal.client_id, services.rules.rules)


async def resolve_add(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    reason: Annotated[str, strawberry.argument(description="Why it is put under key "
                                               "supervision (1 to 500 characters).")],
    measures: Annotated[
        list[str] | None,
        strawberry.argument(description="Codes of the measures to take (SupervisionMeasure."
                            "code); null or empty: the configured measures of a manual entry."),
    ] = None,
) -> KeySupervisionEntry:
    manual = _manual(info)
    note_access(info.context, [uscc], DECISION_GROUP)
    with translated_errors():
        entry = await manual.add(uscc, reason, measures)
    return entry_type(entry, manual.config)


async def resolve_remove(
    info: Info,
    entry_id: Annotated[strawberry.ID, strawberry.argument(description="The entry "
                                                           "(KeySupervisionEntry.id).")],
    reason: Annotated[str, strawberry.argument(description="Why it is removed.")],
) -> KeySupervisionEntry:
    manual = _manual(info)
    with translated_errors():
        found = await manual.entry(entry_id)
    note_access(info.context, [found.uscc], DECISION_GROUP)
    with translated_errors():
        entry = await manual.remove(entry_id, reason)
    return entry_type(entry, manual.config)


async def resolve_mark(
    info: Info,
    penalty_id: Annotated[strawberry.ID, strawberry.argument(description=_PENALTY)],
    title: Annotated[str, strawberry.argument(description="The case's title (1 to 100 "
                                              "characters).")],
    summary: Annotated[str, strawberry.argument(description="What happened and how it was "
                                                "punished (1 to 2000 characters).")],
) -> TypicalCase:
    cases = _cases(info)
    with translated_errors():
        note_access(info.context, [await cases.enterprise_of(penalty_id)], CASES_GROUP)
        case = await cases.mark(penalty_id, title, summary, info.context.today)
    return case_type(case)


async def resolve_unmark(
    info: Info,
    penalty_id: Annotated[strawberry.ID, strawberry.argument(description=_PENALTY)],
) -> TypicalCase:
    cases = _cases(info)
    with translated_errors():
        note_access(info.context, [await cases.enterprise_of(penalty_id)], CASES_GROUP)
        case = await cases.unmark(penalty_id)
    return case_type(case)


@strawberry.type(description="Key-supervision and typical-case decisions. Each needs the "
                 "lists:write scope; key-supervision decisions also risk:read (their answers "
                 "name an entry's grounds).")
class SupervisionMutation:
    add_key_supervision: KeySupervisionEntry = strawberry.mutation(
        resolver=resolve_add,
        description="Puts an enterprise under key supervision by hand, with a reason and "
        "measures. Refused for an enterprise no source knows, one no longer operating, or "
        "one that already has a manual entry in force.",
    )
    remove_key_supervision: KeySupervisionEntry = strawberry.mutation(
        resolver=resolve_remove,
        description="Ends a manual entry, with a reason; the entry is kept with its end. "
        "Refused for a derived entry: it ends by itself when its grounds are gone.",
    )
    mark_typical_case: TypicalCase = strawberry.mutation(
        resolver=resolve_mark,
        description="Publishes a penalty as a typical case (典型案例). Refused unless the "
        "penalty was decided under the ordinary procedure and is under publicity today, or "
        "when it already is a case.",
    )
    unmark_typical_case: TypicalCase = strawberry.mutation(
        resolver=resolve_unmark,
        description="Withdraws a penalty's typical case; returns the case as it was.",
    )
