"""Issue verifications: judge each code for a purpose as of an instant, sign, store.

A batch costs a fixed number of SQL round trips whatever its size: the profiles (one), the
sources' freshness (one), the insert of every result (one; over HTTP with the audit on, it
rides in the transaction of the request's audit row instead, see schema.verification).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from adapters.config import SourcesConfig
from auth.keys import SigningKeys
from auth.tokens import sign_jwts
from gateway.archive.profile import Profile
from gateway.archive.valid_time import load_profiles_valid_at
from gateway.clock import utcnow
from gateway.freshness import SourceFreshness
from gateway.rules.calendar import local_date
from gateway.rules.config import DEFAULT_RULES_CONFIG, RulesConfig
from gateway.rules.verification import Purpose, judge
from gateway.verification.freshness import current_freshness, current_profiles_and_freshness
from gateway.verification.model import IssuedFinding, Verification
from gateway.verification.store import save_verifications

MAX_BATCH = 1000
TOKEN_TYPE = "JWT"  # noqa: S105 (a media type, not a secret)
"""The JWS `typ` of a verification token: plain JWT, which every JOSE library accepts."""


class VerificationError(ValueError):
    """A request that cannot be verified as asked (the message says why)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Verifier:
    """Issues verifications with the gateway's keys; shared by every request of a process."""

    pool: asyncpg.Pool[Any]
    keys: Callable[[], SigningKeys]
    """The current keys (they are reloaded after a rotation)."""
    issuer: str
    max_staleness: dt.timedelta
    sources: SourcesConfig | None = None
    rules: RulesConfig = DEFAULT_RULES_CONFIG

    async def verify(
        self,
        usccs: Sequence[str],
        purpose: Purpose,
        as_of: dt.datetime | None,
        issued_to: str,
        *,
        save: bool = True,
    ) -> list[Verification]:
        """One verification per code, in input order (a repeated code repeats its result);
        stored unless `save` is false (then the caller stores them, see
        gateway.verification.store.save_verifications)."""
        if len(usccs) > MAX_BATCH:
            raise VerificationError(f"at most {MAX_BATCH} codes per batch, got {len(usccs)}")
        now = utcnow()
        at = _instant(as_of, now)
        unique = list(dict.fromkeys(usccs))
        # The connection goes back to the pool before judging and signing, which need none.
        async with self.pool.acquire() as conn:
            if as_of is None:
                profiles, fresh = await current_profiles_and_freshness(
                    conn, unique, now, self.max_staleness, self.sources)
            else:
                profiles = await load_profiles_valid_at(conn, unique, at)
                fresh = await current_freshness(
                    conn, unique, now, self.max_staleness, self.sources)
        unsigned = [
            self._judge(code, profiles.get(code), fresh[code], purpose, at, now, issued_to)
            for code in unique
        ]
        tokens = await sign_jwts(
            self.keys(), [v.claims(self.issuer) for v in unsigned], TOKEN_TYPE)
        issued = {v.uscc: v.signed(token) for v, token in zip(unsigned, tokens, strict=True)}
        if save:
            async with self.pool.acquire() as conn:
                await save_verifications(conn, list(issued.values()))
        return [issued[code] for code in usccs]

    def _judge(
        self,
        uscc: str,
        profile: Profile | None,
        sources: Sequence[SourceFreshness],
        purpose: Purpose,
        at: dt.datetime,
        now: dt.datetime,
        issued_to: str,
    ) -> Verification:
        """The verification of one code, not signed yet (its token is empty)."""
        stale = [s.source for s in sources if s.stale]
        judgement = judge(profile, purpose, local_date(at), stale_sources=stale,
                          rules=self.rules.verification, publicity_rules=self.rules.rules)
        return Verification(
            id=str(uuid.uuid4()),
            uscc=uscc,
            enterprise_name=None if profile is None else profile.registration.record.name,
            purpose=purpose,
            as_of=at,
            verdict=judgement.verdict,
            findings=tuple(IssuedFinding.of(f) for f in judgement.findings),
            sources=tuple(sources),
            rules_version=judgement.rules_version,
            issued_at=now,
            issued_to=issued_to,
            token="",
        )


def _instant(as_of: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The instant a verification speaks for: now, or a past instant with a time zone."""
    if as_of is None:
        return now
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise VerificationError("asOf needs a time zone")
    if as_of > now:
        raise VerificationError("asOf is in the future: verifications speak for the past")
    return as_of
