"""Supervisors' list decisions (scope lists:write). Each checks its legal conditions against
the archive as it stands and either writes the decision or is refused with BAD_USER_INPUT
naming the unmet condition, writing nothing. Every decision, taken or refused, is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

import schema.lists.types  # noqa: F401 (registers the grounds' enums before they are used)
from auth.roles import Scope
from gateway.archive.profile import Stored
from gateway.lists.grounds import AbnormalGround, RevocationGround
from gateway.lists.service import ListDecisions
from gateway.records import Listing as ListingRecord
from schema.auditing import decision_hook, note_access
from schema.context import Info
from schema.enterprise.mapping import listing_type
from schema.enterprise.types import Listing
from schema.errors import translated_errors
from schema.lists.access import DECISION_GROUP
from schema.permissions import require
from schema.scalars import USCC

_ENTRY = "The entry's id (Listing.id)."


def _decisions(info: Info) -> ListDecisions:
    """The decisions of this gateway's bureau, after checking the caller may take them."""
    require(info, Scope.LISTS_WRITE)
    services = info.context.services
    return ListDecisions(services.pool, services.settings.authority, services.rules.rules,
                         decision_hook(info.context, DECISION_GROUP))


def _taken(info: Info, stored: Stored[ListingRecord]) -> Listing:
    return listing_type(stored, info.context.today)


async def _entry_enterprise(info: Info, decisions: ListDecisions, listing_id: str) -> None:
    """Note the entry's enterprise for the audit row before deciding."""
    with translated_errors():
        uscc = await decisions.enterprise_of(listing_id)
    note_access(info.context, [uscc], DECISION_GROUP)


async def resolve_list_abnormal(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    ground: Annotated[AbnormalGround, strawberry.argument(description="Why it is listed.")],
    decided_on: Annotated[
        dt.date, strawberry.argument(description="Date of the listing decision; not later "
                                     "than today.")
    ],
    decision_number: Annotated[
        str, strawberry.argument(description="Number of the listing decision document.")
    ],
) -> Listing:
    decisions = _decisions(info)
    note_access(info.context, [uscc], DECISION_GROUP)
    with translated_errors():
        stored = await decisions.list_abnormal(
            uscc, ground, decided_on, decision_number, info.context.today
        )
    return _taken(info, stored)


async def resolve_remove_abnormal(
    info: Info,
    listing_id: Annotated[strawberry.ID, strawberry.argument(description=_ENTRY)],
    corrected_on: Annotated[
        dt.date, strawberry.argument(description="When the cause was corrected.")
    ],
    reason: Annotated[str, strawberry.argument(description="How it was corrected.")],
) -> Listing:
    decisions = _decisions(info)
    await _entry_enterprise(info, decisions, listing_id)
    with translated_errors():
        stored = await decisions.remove_abnormal(
            listing_id, corrected_on, reason, info.context.today
        )
    return _taken(info, stored)


async def resolve_list_serious(
    info: Info,
    uscc: Annotated[USCC, strawberry.argument(description="The enterprise's code.")],
    penalty_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The penalty decided together with the listing "
                            "(Penalty.id), a penalty of this enterprise."),
    ],
    decided_on: Annotated[
        dt.date, strawberry.argument(description="Date of the listing decision: the "
                                     "penalty's decision date.")
    ],
    decision_number: Annotated[
        str, strawberry.argument(description="Number of the listing decision document.")
    ],
    reason: Annotated[str, strawberry.argument(description="The serious violation found.")],
    heavy_end_of_band: Annotated[
        bool,
        strawberry.argument(description="True when the penalty's fine is at the heavy end "
                            "of the local discretion band; needed when a fine is the only "
                            "heavier measure."),
    ],
    restriction_ends_on: Annotated[
        dt.date | None,
        strawberry.argument(description="Last day of a statutory restriction that comes "
                            "with the penalty, if one runs; the entry then stays at least "
                            "until the day after, and is not removed early before it."),
    ] = None,
) -> Listing:
    decisions = _decisions(info)
    note_access(info.context, [uscc], DECISION_GROUP)
    with translated_errors():
        stored = await decisions.list_serious(
            uscc, penalty_id, decided_on, decision_number, reason,
            heavy_end_of_band=heavy_end_of_band, restriction_ends_on=restriction_ends_on,
            today=info.context.today,
        )
    return _taken(info, stored)


async def resolve_remove_serious_early(
    info: Info,
    listing_id: Annotated[strawberry.ID, strawberry.argument(description=_ENTRY)],
    on: Annotated[dt.date, strawberry.argument(description="Date of the removal decision.")],
    penalty_performed: Annotated[
        bool, strawberry.argument(description="Whether the penalty was performed.")
    ],
    harm_removed: Annotated[
        bool, strawberry.argument(description="Whether the harm and its effects were removed.")
    ],
) -> Listing:
    decisions = _decisions(info)
    await _entry_enterprise(info, decisions, listing_id)
    with translated_errors():
        stored = await decisions.remove_serious_early(
            listing_id, on, penalty_performed=penalty_performed, harm_removed=harm_removed,
            today=info.context.today,
        )
    return _taken(info, stored)


async def resolve_revoke_listing(
    info: Info,
    listing_id: Annotated[strawberry.ID, strawberry.argument(description=_ENTRY)],
    ground: Annotated[
        RevocationGround, strawberry.argument(description="Why the listing is revoked.")
    ],
) -> Listing:
    decisions = _decisions(info)
    await _entry_enterprise(info, decisions, listing_id)
    with translated_errors():
        stored = await decisions.revoke(listing_id, ground, info.context.today)
    return _taken(info, stored)


_GATEWAY_ONLY = (
    " Only entries decided here can be changed; a department's entry is changed at its source."
)


@strawberry.type(description="Supervisors' list decisions. Each needs the lists:write scope.")
class ListMutation:
    list_abnormal: Listing = strawberry.mutation(
        resolver=resolve_list_abnormal,
        description="Puts an enterprise on the abnormal-operations list (经营异常名录). "
        "Refused unless the enterprise is registered here (OPERATING or SUSPENDED) and is not "
        "an individual business, the ground is in force on decidedOn, decidedOn is not in the "
        "future and no entry for the same ground is in force.",
    )
    remove_abnormal: Listing = strawberry.mutation(
        resolver=resolve_remove_abnormal,
        description="Removes an abnormal-operations entry in force, today, once its cause was "
        "corrected (correctedOn between the listing and today)." + _GATEWAY_ONLY,
    )
    list_serious: Listing = strawberry.mutation(
        resolver=resolve_list_serious,
        description="Puts an enterprise on the serious illegal and dishonest list "
        "(严重违法失信名单) together with a heavier penalty of it: revocation, downgrade, "
        "restriction, suspension, closure, occupational ban, or a fine at the heavy end of "
        "the band (heavyEndOfBand). Refused when the penalty is not heavier, decidedOn is not "
        "its decision date or the penalty already put it on the list. Expires three years "
        "later, or the day after restrictionEndsOn when that is later.",
    )
    remove_serious_early: Listing = strawberry.mutation(
        resolver=resolve_remove_serious_early,
        description="Removes a serious-list entry in force early, on application: at least "
        "one year after the listing, the penalty performed, the harm removed, no new heavier "
        "penalty or serious listing since, and no statutory restriction still running."
        + _GATEWAY_ONLY,
    )
    revoke_listing: Listing = strawberry.mutation(
        resolver=resolve_revoke_listing,
        description="Revokes a serious-list entry today (e.g. its penalty was annulled); the "
        "entry is kept, removed with the ground as its reason." + _GATEWAY_ONLY,
    )
