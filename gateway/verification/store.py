"""Verifications in the archive: written once per batch, read back by id."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from gateway.archive import Queryable
from gateway.archive.profile import Provenance
from gateway.freshness import SourceFreshness
from gateway.records import RecordKind
from gateway.rules.verification import FindingEffect, Purpose, Verdict
from gateway.verification.model import IssuedFinding, RecordRef, Verification

# JSON travels as text and is cast here (and back on reading), so the statements work
# whatever JSON codec the connection has.
_INSERT = """
INSERT INTO verifications (id, uscc, enterprise_name, purpose, as_of, verdict, findings,
                           sources, rules_version, issued_at, issued_to, token)
SELECT id, uscc, name, purpose, as_of, verdict, findings::jsonb, sources::jsonb,
       rules_version, issued_at, issued_to, token
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[])
     AS t(id, uscc, name, purpose, as_of, verdict, findings, sources, rules_version,
          issued_at, issued_to, token)
"""


_BY_ID = """
SELECT id, uscc, enterprise_name, purpose, as_of, verdict, findings::text AS findings,
       sources::text AS sources, rules_version, issued_at, issued_to, token
FROM verifications WHERE id = $1
"""


async def save_verifications(conn: Queryable, issued: Sequence[Verification]) -> None:
    """Store a batch of verifications in one statement."""
    if not issued:
        return
    await conn.execute(
        _INSERT,
        [uuid.UUID(v.id) for v in issued],
        [v.uscc for v in issued],
        [v.enterprise_name for v in issued],
        [v.purpose.value for v in issued],
        [v.as_of for v in issued],
        [v.verdict.value for v in issued],
        [_json([_finding_json(f) for f in v.findings]) for v in issued],
        _sources_json(issued),
        [v.rules_version for v in issued],
        [v.issued_at for v in issued],
        [v.issued_to for v in issued],
        [v.token for v in issued],
    )


async def load_verification(conn: Queryable, verification_id: uuid.UUID) -> Verification | None:
    """The verification with this id, or None."""
    row = await conn.fetchrow(_BY_ID, verification_id)
    return None if row is None else _verification(row)


def _verification(row: asyncpg.Record) -> Verification:
    return Verification(
        id=str(row["id"]),
        uscc=row["uscc"],
        enterprise_name=row["enterprise_name"],
        purpose=Purpose(row["purpose"]),
        as_of=row["as_of"],
        verdict=Verdict(row["verdict"]),
        findings=tuple(_finding(f) for f in json.loads(row["findings"])),
        sources=tuple(_source(s) for s in json.loads(row["sources"])),
        rules_version=row["rules_version"],
        issued_at=row["issued_at"],
        issued_to=row["issued_to"],
        token=row["token"],
    )


def _finding_json(f: IssuedFinding) -> dict[str, Any]:
    record = None
    if f.record is not None:
        p = f.record.provenance
        record = {
            "kind": f.record.kind.value, "id": f.record.id, "source": p.source,
            "department": p.department, "record_id": p.record_id,
            "source_updated_at": _instant(p.source_updated_at),
            "received_at": _instant(p.received_at),
        }
    return {
        "code": f.code, "effect": f.effect.value, "summary": f.summary,
        "legal_basis": f.legal_basis, "record": record,
        "since": None if f.since is None else f.since.isoformat(),
        "until": None if f.until is None else f.until.isoformat(),
    }


def _finding(data: dict[str, Any]) -> IssuedFinding:
    r = data["record"]
    record = None
    if r is not None:
        provenance = Provenance(r["source"], r["department"], r["record_id"],
                                _parse_instant(r["source_updated_at"]),
                                _required_instant(r["received_at"]))
        record = RecordRef(RecordKind(r["kind"]), r["id"], provenance)
    return IssuedFinding(
        code=data["code"], effect=FindingEffect(data["effect"]), summary=data["summary"],
        legal_basis=data["legal_basis"], record=record,
        since=None if data["since"] is None else dt.date.fromisoformat(data["since"]),
        until=None if data["until"] is None else dt.date.fromisoformat(data["until"]),
    )


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sources_json(issued: Sequence[Verification]) -> list[str]:
    """Each verification's sources as JSON text; most of a batch share the same ones."""
    known: dict[tuple[SourceFreshness, ...], str] = {}
    texts = []
    for v in issued:
        text = known.get(v.sources)
        if text is None:
            text = known[v.sources] = _json([_source_json(s) for s in v.sources])
        texts.append(text)
    return texts


def _source_json(s: SourceFreshness) -> dict[str, Any]:
    return {"source": s.source, "department": s.department,
            "synced_at": _instant(s.synced_at), "stale": s.stale}


def _source(data: dict[str, Any]) -> SourceFreshness:
    return SourceFreshness(data["source"], data["department"],
                           _parse_instant(data["synced_at"]), data["stale"])


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_instant(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _required_instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)
