"""A verification as issued and stored: the verdict, its findings and its signed token."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from gateway.archive.profile import Provenance
from gateway.freshness import SourceFreshness
from gateway.records import RecordKind
from gateway.rules.verification import Finding, FindingEffect, Purpose, Verdict


@dataclasses.dataclass(frozen=True, slots=True)
class RecordRef:
    """The archive record behind a finding."""

    kind: RecordKind
    id: str
    provenance: Provenance


@dataclasses.dataclass(frozen=True, slots=True)
class IssuedFinding:
    """A finding as stored with its verification."""

    code: str
    effect: FindingEffect
    summary: str
    legal_basis: str
    record: RecordRef | None
    since: dt.date | None
    until: dt.date | None

    @classmethod
    def of(cls, finding: Finding) -> IssuedFinding:
        stored = finding.record
        record = None
        if stored is not None:
            record = RecordRef(stored.record.KIND, stored.id, stored.provenance)
        return cls(finding.code, finding.effect, finding.summary, finding.legal_basis, record,
                   finding.since, finding.until)


@dataclasses.dataclass(frozen=True, slots=True)
class Verification:
    """One enterprise checked for one purpose (contract type CreditVerification)."""

    id: str
    uscc: str
    enterprise_name: str | None
    purpose: Purpose
    as_of: dt.datetime
    verdict: Verdict
    findings: tuple[IssuedFinding, ...]
    sources: tuple[SourceFreshness, ...]
    rules_version: str
    issued_at: dt.datetime
    issued_to: str
    token: str

    def claims(self, issuer: str) -> dict[str, Any]:
        """What the signed token says (contract.graphql, CreditVerification.token)."""
        return {
            "iss": issuer,
            "iat": int(self.issued_at.timestamp()),
            "jti": self.id,
            "sub": self.uscc,
            "aud": self.issued_to,
            "purpose": self.purpose.value,
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict.value,
            "findings": [f.code for f in self.findings],
            "rules_version": self.rules_version,
        }

    def signed(self, token: str) -> Verification:
        """This verification with its token: `dataclasses.replace`, without the walk over the
        fields that it makes on every call (a batch makes a thousand)."""
        return Verification(self.id, self.uscc, self.enterprise_name, self.purpose, self.as_of,
                            self.verdict, self.findings, self.sources, self.rules_version,
                            self.issued_at, self.issued_to, token)
