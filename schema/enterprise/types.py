"""Types of an enterprise's credit profile. Leaf fields are plain attributes, filled by
`schema.enterprise.mapping` from archive records; only fields that need I/O have resolvers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

import strawberry

import schema.enums  # noqa: F401 (registers the canonical enums)
from auth.roles import Scope
from gateway import records
from gateway.archive.search import EnterpriseFilter as SearchFilter
from gateway.archive.search import count_enterprises
from gateway.freshness import SourceFreshness as Freshness
from gateway.rules.publicity import PublicityState
from gateway.rules.severity import Severity
from schema.context import Info
from schema.pagination import PageInfo
from schema.permissions import needs
from schema.risk.queries import resolve_risk_assessment
from schema.risk.types import RiskAssessment
from schema.scalars import USCC
from schema.sources.types import SourceFreshness

_PROVENANCE = "Where this record came from."


@strawberry.type(
    description="Where a record came from: the producing department's system and its own "
    "identifier."
)
class Provenance:
    source: str = strawberry.field(description="The source system's configured name.")
    department: str = strawberry.field(description="The department that produced the record.")
    record_id: str = strawberry.field(description="The record's identifier in the source.")
    source_updated_at: dt.datetime | None = strawberry.field(
        description="When the source last changed the record, if it says."
    )
    received_at: dt.datetime = strawberry.field(
        description="When the archive received this version of the record."
    )


@strawberry.type(description="Whether a record is public today, until when, and its repair.")
class Publicity:
    state: PublicityState = strawberry.field(description="Publicity state today.")
    published_on: dt.date | None = strawberry.field(
        description="Start of publicity; null when never published."
    )
    public_until: dt.date | None = strawberry.field(
        description="First day the record is no longer public (the repair date once repaired)."
    )
    repairable_from: dt.date | None = strawberry.field(
        description="Earliest date credit repair may be applied for; null when it never may."
    )


@strawberry.type(description="An administrative licence held by an enterprise.")
class License:
    id: strawberry.ID = strawberry.field(description="The archive's identifier of the record.")
    number: str = strawberry.field(description="Licence number, e.g. SC + 14 digits.")
    title: str = strawberry.field(description="What the licence is for.")
    key_area: records.KeyArea | None = strawberry.field(description="Key area it belongs to.")
    scope: str | None = strawberry.field(description="Licensed scope.")
    issued_by: str = strawberry.field(description="Issuing authority.")
    issued_on: dt.date | None = strawberry.field(description="Date of issue.")
    valid_from: dt.date | None = strawberry.field(description="First day of validity.")
    valid_until: dt.date | None = strawberry.field(description="Last day of validity.")
    status: records.LicenseStatus = strawberry.field(description="Licence status.")
    provenance: Provenance = strawberry.field(description=_PROVENANCE)


@strawberry.type(description="An administrative penalty decision.")
class Penalty:
    id: strawberry.ID = strawberry.field(description="The archive's identifier of the record.")
    decision_number: str = strawberry.field(
        description="Decision document number, e.g. 汕市监罚〔2025〕123号."
    )
    decided_on: dt.date = strawberry.field(description="Date of the decision.")
    authority: str = strawberry.field(description="Deciding authority.")
    violation: str = strawberry.field(description="The violation found.")
    legal_basis: str | None = strawberry.field(description="Provisions the penalty rests on.")
    measures: list[records.PenaltyMeasure] = strawberry.field(description="Measures imposed.")
    fine_amount: Decimal | None = strawberry.field(description="Fine in yuan.")
    confiscated_amount: Decimal | None = strawberry.field(
        description="Illegal income confiscated, in yuan."
    )
    procedure: records.PenaltyProcedure = strawberry.field(description="Procedure followed.")
    severity: Severity = strawberry.field(
        description="Severity tier under the rules in force today."
    )
    key_area: records.KeyArea | None = strawberry.field(description="Key area concerned.")
    publicity: Publicity = strawberry.field(description="Publicity of the decision today.")
    provenance: Provenance = strawberry.field(description=_PROVENANCE)


@strawberry.type(description="An inspection or product-sampling result.")
class Inspection:
    id: strawberry.ID = strawberry.field(description="The archive's identifier of the record.")
    reference: str = strawberry.field(description="The inspection's reference in its source.")
    kind: records.InspectionKind = strawberry.field(description="How the inspection came about.")
    inspected_on: dt.date = strawberry.field(description="Date of the inspection.")
    authority: str = strawberry.field(description="Inspecting authority.")
    result: records.InspectionResult = strawberry.field(description="What was found.")
    result_text: str | None = strawberry.field(description="The result in the source's words.")
    product: str | None = strawberry.field(description="Sampled product, for sampling.")
    key_area: records.KeyArea | None = strawberry.field(description="Key area concerned.")
    penalty_number: str | None = strawberry.field(
        default=None,
        description="Decision number of the penalty the problem found led to, if the source "
        "names one: the result is then public, and repaired, together with that penalty.",
    )
    publicity: Publicity = strawberry.field(description="Publicity of the result today.")
    provenance: Provenance = strawberry.field(description=_PROVENANCE)


@strawberry.type(description="An entry on the abnormal-operations or serious-dishonesty list.")
class Listing:
    id: strawberry.ID = strawberry.field(description="The archive's identifier of the record.")
    kind: records.ListKind = strawberry.field(description="Which list.")
    uscc: USCC = strawberry.field(description="The listed enterprise's code.")
    enterprise_name: str = strawberry.field(description="Its name as the listing gives it.")
    reason: str = strawberry.field(description="Why it was listed.")
    listed_on: dt.date = strawberry.field(description="Date of listing.")
    listed_by: str = strawberry.field(description="Deciding authority.")
    decision_number: str | None = strawberry.field(description="Listing decision number.")
    expires_on: dt.date | None = strawberry.field(
        description="Serious list: the date of automatic removal."
    )
    removed_on: dt.date | None = strawberry.field(description="Date of removal, if removed.")
    removal_reason: str | None = strawberry.field(description="Why it was removed.")
    active: bool = strawberry.field(
        description="In force today: not removed and not expired (today in Asia/Shanghai)."
    )
    provenance: Provenance = strawberry.field(description=_PROVENANCE)


@strawberry.type(description="A credit commitment (信用承诺) and the state of its check.")
class Commitment:
    id: strawberry.ID = strawberry.field(description="The archive's identifier of the record.")
    kind: str = strawberry.field(description="What the commitment was made for.")
    content: str = strawberry.field(description="What was promised.")
    committed_on: dt.date = strawberry.field(description="Date of the commitment.")
    status: records.CommitmentStatus = strawberry.field(description="State of its check.")
    checked_on: dt.date | None = strawberry.field(description="Date of the check, if checked.")
    public: bool = strawberry.field(
        description="False when the enterprise asked to keep the commitment unpublished: "
        "it is then left out of the public view."
    )
    provenance: Provenance = strawberry.field(description=_PROVENANCE)


async def resolve_freshness(root: Enterprise, info: Info) -> list[SourceFreshness]:
    """Known when the profile was refreshed on demand; else read from the archive, batched
    across all enterprises of the request."""
    found = root.known_freshness
    if found is None:
        found = await info.context.loaders.freshness.load(root.uscc)
    return [SourceFreshness.of(f) for f in found]


@strawberry.type(
    description="A credit repair revoked because it was obtained by fraud (撤销信用修复决定): "
    "public for three years from the revocation, during which no new application is accepted."
)
class RepairRevocation:
    record_id: strawberry.ID = strawberry.field(
        description="The record whose repair was revoked (a Penalty, Inspection or Listing id); "
        "its publicity period restarted on the revocation day."
    )
    revoked_on: dt.date = strawberry.field(description="Day of the revocation.")
    public_until: dt.date = strawberry.field(
        description="First day the revocation is no longer public (three years later)."
    )
    notice: str = strawberry.field(description="What was decided, in Chinese.")
    legal_basis: str = strawberry.field(description="The rules the revocation rests on.")


@strawberry.type(description="The unified credit profile of one enterprise.")
class Enterprise:
    uscc: USCC = strawberry.field(description="Unified Social Credit Code.")
    name: str = strawberry.field(description="Registered name.")
    former_names: list[str] = strawberry.field(description="Earlier registered names.")
    status: records.EnterpriseStatus = strawberry.field(description="Registration status.")
    entity_type: str | None = strawberry.field(description="Type of entity as registered.")
    legal_representative: str | None = strawberry.field(
        description="Legal representative (or operator): public, as on the national publicity "
        "system."
    )
    legal_representative_id_number: str | None = strawberry.field(
        description="The legal representative's identity number; masked (440511********123X) "
        "without the personal:read scope."
    )
    contact_phone: str | None = strawberry.field(
        description="Contact phone; masked (138****5678) without the personal:read scope."
    )
    registered_capital: Decimal | None = strawberry.field(
        description="Registered capital in yuan."
    )
    established_on: dt.date | None = strawberry.field(description="Date of establishment.")
    address: str | None = strawberry.field(
        description="Registered address; a natural person's (e.g. an individual business "
        "operator's) is shown only down to its district without the personal:read scope."
    )
    division: str = strawberry.field(description="GB/T 2260 code of the registered address.")
    industry: str | None = strawberry.field(description="GB/T 4754 industry code.")
    registration_authority: str | None = strawberry.field(description="Registering authority.")
    key_areas: list[records.KeyArea] = strawberry.field(description="Key areas it is tagged with.")
    licenses: list[License] = strawberry.field(description="Licences, newest first.")
    penalties: list[Penalty] = strawberry.field(
        description="Penalties, newest first. The public sees ordinary-procedure penalties "
        "while under publicity; profile:read sees all."
    )
    inspections: list[Inspection] = strawberry.field(
        description="Inspection and sampling results, newest first. The public sees those "
        "under publicity; profile:read sees all."
    )
    listings: list[Listing] = strawberry.field(
        description="Abnormal-operations and serious-dishonesty entries, active and past. "
        "The public sees entries in force; profile:read sees all."
    )
    commitments: list[Commitment] = strawberry.field(description="Credit commitments.")
    repair_revocations: list[RepairRevocation] = strawberry.field(
        default_factory=list,
        description="Credit repairs revoked for fraud within the last three years, newest first "
        "(public).",
    )
    risk_assessment: RiskAssessment | None = strawberry.field(
        resolver=resolve_risk_assessment,
        permission_classes=[needs(Scope.RISK_READ)],
        description="Internal: needs the risk:read scope. Without it: null with FORBIDDEN. "
        "Null when the enterprise has not been assessed yet; asked asOf a past instant, the "
        "assessment then in force.",
    )
    provenance: Provenance = strawberry.field(
        description="Where the registration record came from."
    )
    freshness: list[SourceFreshness] = strawberry.field(
        resolver=resolve_freshness,
        description="How fresh each source's data for this enterprise is.",
    )
    known_freshness: strawberry.Private[Sequence[Freshness] | None] = None
    as_of: strawberry.Private[dt.datetime | None] = None
    """The past instant the profile was asked as of (None: now)."""


@strawberry.input(description="Narrows an enterprise search; every field given must match.")
class EnterpriseFilter:
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Part of the current or a former name, Chinese or Latin.",
    )
    uscc_prefix: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The first 1 to 18 characters of the code.",
    )
    key_area: records.KeyArea | None = strawberry.field(
        default=strawberry.UNSET, description="Only enterprises tagged with this key area."
    )
    division: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Administrative division code or prefix, e.g. 4405 for all of Shantou.",
    )
    status: records.EnterpriseStatus | None = strawberry.field(
        default=strawberry.UNSET, description="Only enterprises with this registration status."
    )
    listed: records.ListKind | None = strawberry.field(
        default=strawberry.UNSET, description="Only enterprises with an active entry on this list."
    )

    def to_search(self) -> SearchFilter:
        """The archive's filter (unset fields are None)."""
        return SearchFilter(
            name=_given(self.name),
            uscc_prefix=_given(self.uscc_prefix),
            key_area=_given(self.key_area),
            division=_given(self.division),
            status=_given(self.status),
            listed=_given(self.listed),
        )


T = TypeVar("T")


def _given(value: T | None) -> T | None:
    return None if value is strawberry.UNSET else value


@strawberry.type(description="One enterprise of a search result and its cursor.")
class EnterpriseEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: Enterprise = strawberry.field(description="The enterprise.")


async def resolve_total_count(root: EnterpriseConnection, info: Info) -> int:
    context = info.context
    return await count_enterprises(context.services.pool, root.search, today=context.today)


@strawberry.type(description="A page of an enterprise search.")
class EnterpriseConnection:
    edges: list[EnterpriseEdge] = strawberry.field(description="The page's enterprises.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    # A resolver, not an attribute: counting every match is the expensive part of a search
    # (a full count over up to a million rows), so it runs only when a client selects it.
    total_count: int = strawberry.field(
        resolver=resolve_total_count,
        description="How many enterprises match the filter in all.",
    )
    search: strawberry.Private[SearchFilter]
