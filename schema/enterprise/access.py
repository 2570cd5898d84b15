"""Access to profiles in the resolvers: the caller's view, its stated purpose, and what the
audit row records (codes returned and which groups of fields)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from auth.roles import Role, Scope
from auth.views import MEMBER_VIEW, View
from gateway.associations.store import members_among
from schema.context import Info
from schema.errors import ForbiddenError

PURPOSE_NEEDED = (
    "full profiles are served for a stated purpose: send it in the X-Purpose header "
    "(percent-encoded UTF-8) or ask for a token with a purpose"
)

FIELD_GROUPS = {
    "legalRepresentativeIdNumber": "personal",
    "contactPhone": "personal",
    "licenses": "licenses",
    "penalties": "penalties",
    "inspections": "inspections",
    "listings": "listings",
    "commitments": "commitments",
    "riskAssessment": "risk",
    "freshness": "freshness",
    "keyAreas": "keyAreas",
}
"""Enterprise fields by audit group; any other field is in the group `registration`."""

Selection = SelectedField | FragmentSpread | InlineFragment


def caller_view(info: Info) -> View:
    """The caller's view of profiles; FORBIDDEN when a full view comes without a purpose."""
    principal = info.context.principal
    if principal.has(Scope.PROFILE_READ) and not principal.purpose:
        raise ForbiddenError(PURPOSE_NEEDED)
    return View.of(principal)


async def views_of(info: Info, usccs: Collection[str]) -> Mapping[str, View]:
    """The caller's view of each of these enterprises: an association sees its members as a
    partner does (FORBIDDEN without a purpose, like a partner) and the rest as the public."""
    view = caller_view(info)
    principal = info.context.principal
    if principal.role is not Role.ASSOCIATION or view.every_record:
        return dict.fromkeys(usccs, view)
    members = await _members(info, usccs)
    if members and not principal.purpose:
        raise ForbiddenError(PURPOSE_NEEDED)
    return {uscc: MEMBER_VIEW if uscc in members else view for uscc in usccs}


async def _members(info: Info, usccs: Collection[str]) -> frozenset[str]:
    """Which codes are the calling association's members, asking each once per request."""
    context = info.context
    known = context.memberships
    client_id = context.principal.client_id
    unknown = [uscc for uscc in usccs if uscc not in known]
    if unknown and client_id is not None:
        found = await members_among(context.services.pool, client_id, unknown)
        known.update((uscc, uscc in found) for uscc in unknown)
    return frozenset(uscc for uscc in usccs if known.get(uscc, False))


def record_access(info: Info, usccs: Iterable[str], enterprise_path: Sequence[str] = ()) -> None:
    """Note for the audit row which codes this field returned and which groups of their
    fields were selected (`enterprise_path`: field names from the root field down to the
    Enterprise objects, e.g. ("edges", "node"))."""
    context = info.context
    codes = set(usccs)
    if not codes:
        return
    context.touched.update(codes)
    selections: list[Any] = list(info.selected_fields)
    for name in enterprise_path:
        selections = [s for s in _fields(selections) if s.name == name]
    context.field_groups.update(
        FIELD_GROUPS.get(f.name, "registration") for f in _fields(_children(selections))
    )


def _children(selections: Iterable[Selection]) -> list[Selection]:
    return [child for s in selections for child in s.selections]


def _fields(selections: Iterable[Selection]) -> list[SelectedField]:
    """The fields of a selection set, with fragments flattened; __typename left out."""
    found: list[SelectedField] = []
    for s in selections:
        if isinstance(s, SelectedField):
            if not s.name.startswith("__"):
                found.append(s)
        else:
            found.extend(_fields(s.selections))
    return found
