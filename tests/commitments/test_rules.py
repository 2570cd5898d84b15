"""The conditions of gateway.commitments.rules, table-driven with dates on both sides of each
boundary, and the record's optional `public` field in the archive's payloads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from adapters.config import ConfigError, load_sources_config
from gateway.archive.profile import Profile, Provenance, Stored, assemble_profile
from gateway.commitments.rules import (
    APPROVAL_KIND,
    CheckOutcome,
    CommitmentRefused,
    checked,
    new_commitment,
)
from gateway.records import (
    Commitment,
    CommitmentStatus,
    EnterpriseStatus,
    Listing,
    ListKind,
    Record,
    RecordKind,
    Registration,
    canonical_json,
    from_payload,
    to_payload,
)
from gateway.uscc import make

USCC = make("91440507MA5A0001X")
D = dt.date
TODAY = D(2026, 6, 1)
RECEIVED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _stored(record: Record, n: int, source: str = "licensing") -> Stored[Any]:
    return Stored(str(n), record, Provenance(source, "行政许可", f"r{n}", None, RECEIVED))


def _profile(*records: Record, status: EnterpriseStatus = EnterpriseStatus.OPERATING) -> Profile:
    registration = Registration(uscc=USCC, name="汕头市守信食品有限公司", status=status,
                                division="440507")
    items = [_stored(registration, 1), *(_stored(r, n) for n, r in enumerate(records, 2))]
    profile = assemble_profile((), items)
    assert profile is not None
    return profile


def _serious(listed: dt.date, expires: dt.date) -> Listing:
    return Listing(uscc=USCC, kind=ListKind.SERIOUS_DISHONESTY, enterprise_name="x", reason="y",
                   listed_on=listed, listed_by="汕头市市场监督管理局", expires_on=expires)


def _commitment(status: CommitmentStatus, checked_on: dt.date | None = None) -> Commitment:
    return Commitment(uscc=USCC, kind=APPROVAL_KIND, content="承诺材料真实", committed_on=D(2025, 1, 5),
                      status=status, checked_on=checked_on)


def _approval(profile: Profile, on: dt.date) -> Commitment:
    return new_commitment(profile, APPROVAL_KIND, "承诺", on, public=True, today=TODAY)


@pytest.mark.parametrize(
    ("records", "on", "excluded"),
    [
        ((_serious(D(2026, 3, 1), D(2026, 5, 1)),), D(2026, 4, 30), True),
        ((_serious(D(2026, 3, 1), D(2026, 5, 1)),), D(2026, 5, 1), False),  # expiry day: off
        ((_serious(D(2026, 3, 1), D(2029, 3, 2)),), D(2026, 2, 28), False),  # before listing
        ((_serious(D(2026, 3, 1), D(2029, 3, 2)),), D(2026, 3, 1), True),
        ((_commitment(CommitmentStatus.BREACHED, D(2026, 2, 1)),), D(2026, 1, 31), False),
        ((_commitment(CommitmentStatus.BREACHED, D(2026, 2, 1)),), D(2026, 2, 1), True),
        ((_commitment(CommitmentStatus.FULFILLED, D(2026, 2, 1)),), D(2026, 5, 1), False),
        ((_commitment(CommitmentStatus.IN_FORCE),), D(2026, 5, 1), False),
    ],
)
def test_exclusion_from_commitment_based_approval(
    records: tuple[Record, ...], on: dt.date, excluded: bool
) -> None:
    profile = _profile(*records)
    if excluded:
        with pytest.raises(CommitmentRefused, match="excluded from commitment-based approval"):
            _approval(profile, on)
    else:
        assert _approval(profile, on).status is CommitmentStatus.IN_FORCE


def test_a_breach_is_published_even_of_an_unpublished_commitment() -> None:
    hidden = _stored(dataclasses.replace(_commitment(CommitmentStatus.IN_FORCE), public=False),
                     8, source="supervision")
    breached, _ = checked(hidden, CheckOutcome.BREACHED, TODAY, "现场核查不符", today=TODAY)
    assert breached.is_public and breached.status is CommitmentStatus.BREACHED
    kept, _ = checked(hidden, CheckOutcome.FULFILLED, TODAY, "核查属实", today=TODAY)
    assert not kept.is_public


def test_other_kinds_are_not_excluded_and_a_deregistered_enterprise_is() -> None:
    listed = _profile(_serious(D(2026, 3, 1), D(2029, 3, 2)))
    made = new_commitment(listed, "自律承诺", "守法经营", TODAY, public=False, today=TODAY)
    assert made.public is False and not made.is_public
    gone = _profile(status=EnterpriseStatus.DEREGISTERED)
    with pytest.raises(CommitmentRefused, match="excluded"):
        _approval(gone, TODAY)


def _recorded_here(status: CommitmentStatus = CommitmentStatus.IN_FORCE) -> Stored[Commitment]:
    return _stored(_commitment(status), 7, source="supervision")


@pytest.mark.parametrize(
    ("checked_on", "refused"),
    [(D(2025, 1, 4), "is before the commitment"), (D(2025, 1, 5), None), (TODAY, None),
     (D(2026, 6, 2), "is in the future")],
)
def test_the_day_of_a_check(checked_on: dt.date, refused: str | None) -> None:
    if refused is None:
        record, proof = checked(_recorded_here(), CheckOutcome.BREACHED, checked_on, " 记录 ",
                                today=TODAY)
        assert record.status is CommitmentStatus.BREACHED and record.checked_on == checked_on
        assert proof == "记录"
    else:
        with pytest.raises(CommitmentRefused, match=refused):
            checked(_recorded_here(), CheckOutcome.BREACHED, checked_on, "记录", today=TODAY)


@pytest.mark.parametrize(
    ("stored", "refused"),
    [
        (_recorded_here(CommitmentStatus.FULFILLED), "was already checked: FULFILLED"),
        (_recorded_here(CommitmentStatus.BREACHED), "was already checked: BREACHED"),
        (_stored(_commitment(CommitmentStatus.IN_FORCE), 8), "comes from source 'licensing'"),
    ],
)
def test_what_is_not_checked_here(stored: Stored[Commitment], refused: str) -> None:
    with pytest.raises(CommitmentRefused, match=refused):
        checked(stored, CheckOutcome.FULFILLED, TODAY, "记录", today=TODAY)


def test_a_source_commitments_payload_is_unchanged_by_the_public_field() -> None:
    record = _commitment(CommitmentStatus.IN_FORCE)
    assert "public" not in to_payload(record)
    assert canonical_json(record) == (
        b'{"committed_on":"2025-01-05","content":"\xe6\x89\xbf\xe8\xaf\xba\xe6\x9d\x90\xe6\x96'
        b'\x99\xe7\x9c\x9f\xe5\xae\x9e","kind":"' + APPROVAL_KIND.encode() + b'","status":'
        b'"IN_FORCE","uscc":"' + USCC.encode() + b'"}'
    )
    assert record.is_public
    hidden = dataclasses.replace(record, public=False)
    assert to_payload(hidden)["public"] is False
    assert from_payload(RecordKind.COMMITMENT, to_payload(hidden)) == hidden
    assert from_payload(RecordKind.COMMITMENT, to_payload(record)) == record


def test_a_source_cannot_map_the_public_flag(tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(
        """
[[source]]
name = "licensing"
department = "行政许可"
connector = "file"
directory = "drops"

  [[source.feed]]
  name = "commitments"
  record = "COMMITMENT"
  id = "id"
  pattern = "*.csv"

    [source.feed.fields]
    uscc = "uscc"
    kind = "kind"
    content = "content"
    committed_on = "day"
    status = { from = "status", map = { "履约中" = "IN_FORCE" } }
    public = "gkbz"
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match='field "public": not a field of COMMITMENT'):
        load_sources_config(config, {})
