"""A verification as issued: signing it changes its token and nothing else."""

from __future__ import annotations

import dataclasses
import datetime as dt

from gateway.freshness import SourceFreshness
from gateway.rules.verification import Purpose, Verdict
from gateway.verification.model import Verification

AT = dt.datetime(2026, 5, 6, 1, 2, 3, tzinfo=dt.UTC)


def test_signing_keeps_every_other_field() -> None:
    unsigned = Verification(
        id="5c3c2f4e-8d1b-4c7e-9a55-0f6a4f1f2b10", uscc="91440500MA4UJ5RX8B",
        enterprise_name="汕头市龙湖区某某玩具厂", purpose=Purpose.GOVERNMENT_PROCUREMENT,
        as_of=AT, verdict=Verdict.CLEAR, findings=(),
        sources=(SourceFreshness("registration", "登记注册", AT, False),),
        rules_version="2026-01", issued_at=AT + dt.timedelta(seconds=1),
        issued_to="procurement-portal", token="",
    )
    signed = unsigned.signed("header.claims.signature")
    assert signed == dataclasses.replace(unsigned, token="header.claims.signature")
