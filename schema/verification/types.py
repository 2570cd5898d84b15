"""Types of a credit verification (contract.graphql), filled from gateway.verification."""

from __future__ import annotations

import datetime as dt

import strawberry

import schema.enums  # noqa: F401 (registers the canonical enums)
from gateway import records
from gateway.rules.verification import FindingEffect, Purpose, Verdict
from gateway.verification.model import IssuedFinding, Verification
from gateway.verification.model import RecordRef as StoredRef
from schema.enterprise.mapping import provenance
from schema.enterprise.types import Provenance
from schema.scalars import USCC
from schema.sources.types import SourceFreshness


@strawberry.type(description="The archive record a finding rests on.")
class RecordRef:
    kind: records.RecordKind = strawberry.field(description="Which kind of record.")
    id: strawberry.ID = strawberry.field(description="The archive's identifier of the record.")
    provenance: Provenance = strawberry.field(description="Where the record came from.")

    @classmethod
    def of(cls, ref: StoredRef) -> RecordRef:
        return cls(kind=ref.kind, id=strawberry.ID(ref.id), provenance=provenance(ref.provenance))


@strawberry.type(description="One reason behind a verdict, with its legal basis.")
class Finding:
    code: str = strawberry.field(description="Stable machine code, e.g. SERIOUS_LIST_ACTIVE.")
    effect: FindingEffect = strawberry.field(description="Restricts, cautions or informs.")
    summary: str = strawberry.field(description="What was found, in Chinese.")
    legal_basis: str = strawberry.field(description="The provisions the rule rests on.")
    record: RecordRef | None = strawberry.field(description="The record behind the finding.")
    since: dt.date | None = strawberry.field(description="First day the finding applies.")
    until: dt.date | None = strawberry.field(description="First day it no longer applies.")

    @classmethod
    def of(cls, f: IssuedFinding) -> Finding:
        return cls(
            code=f.code, effect=f.effect, summary=f.summary, legal_basis=f.legal_basis,
            record=None if f.record is None else RecordRef.of(f.record),
            since=f.since, until=f.until,
        )


@strawberry.type(description="One enterprise's credit checked for one use: stored, signed and "
                 "audited, so that it can be cited and checked later.")
class CreditVerification:
    id: strawberry.ID = strawberry.field(description="Identifier to fetch it again.")
    uscc: USCC = strawberry.field(description="The enterprise checked.")
    enterprise_name: str | None = strawberry.field(
        description="Its registered name then; null when no source knows the code."
    )
    purpose: Purpose = strawberry.field(description="The use it was checked for.")
    as_of: dt.datetime = strawberry.field(description="The instant the verdict speaks for.")
    verdict: Verdict = strawberry.field(description="The outcome.")
    findings: list[Finding] = strawberry.field(
        description="Why: restrictions first, then cautions, then information."
    )
    sources: list[SourceFreshness] = strawberry.field(
        description="How fresh each department source's data was at asOf."
    )
    rules_version: str = strawberry.field(description="Versions of the rule sets applied.")
    issued_at: dt.datetime = strawberry.field(description="When the verification was issued.")
    issued_to: str = strawberry.field(description="Client id the verification was issued to.")
    token: str = strawberry.field(
        description="Compact JWS (RFC 7515), signed with EdDSA (Ed25519) or ES256, key id in "
        "the header, verifiable\nagainst the gateway's /.well-known/jwks.json. Claims: iss, "
        "iat, jti (= id), sub (= uscc),\naud (= issuedTo), purpose, as_of, verdict, findings "
        "(list of finding codes), rules_version."
    )

    @classmethod
    def of(cls, v: Verification) -> CreditVerification:
        return cls(
            id=strawberry.ID(v.id), uscc=USCC(v.uscc), enterprise_name=v.enterprise_name,
            purpose=v.purpose, as_of=v.as_of, verdict=v.verdict,
            findings=[Finding.of(f) for f in v.findings],
            sources=[SourceFreshness.of(s) for s in v.sources],
            rules_version=v.rules_version, issued_at=v.issued_at, issued_to=v.issued_to,
            token=v.token,
        )
