"""SQL conditions for a list entry's term as credit repairs leave it on a day, shared by the
centralised publicity and the `listed` search filter (the profile path applies the same rules
in Python: gateway.repair.effects).

- An approved repair lifts the entry from its decision day; once revoked for fraud it lifts it
  only on the days between the approval and the revocation.
- A serious-list entry whose repair was revoked runs at least a full term from the revocation
  day (Order 44 Art.20): it stays in force while `revocation day + 36 months` has not passed,
  even after its own expiry date.

Each function takes the alias of the `records` row and the SQL text of the day parameter (a
`date`); they are built from constants only.
"""

from __future__ import annotations

from gateway.repair.effects import SERIOUS_TERM_MONTHS


def not_lifted(alias: str, day: str) -> str:
    """No repair lifts the entry on `day`."""
    return (
        f"NOT EXISTS (SELECT 1 FROM credit_repairs c WHERE c.target_pk = {alias}.id"  # noqa: S608
        f" AND c.status IN ('APPROVED', 'REVOKED') AND c.decided_on <= {day}"
        f" AND (c.revoked_on IS NULL OR c.revoked_on > {day}))"
    )


def not_expired(alias: str, day: str) -> str:
    """The entry's term has not ended by `day`, counting a restart after a revoked repair."""
    expires = f"({alias}.payload->>'expires_on')::date"
    return (
        f"({alias}.payload->>'expires_on' IS NULL OR {expires} > {day}"  # noqa: S608
        f" OR ({alias}.payload->>'kind' = 'SERIOUS_DISHONESTY' AND EXISTS ("
        f"SELECT 1 FROM credit_repairs c WHERE c.target_pk = {alias}.id"
        f" AND c.status = 'REVOKED' AND c.revoked_on <= {day}"
        f" AND (c.revoked_on + interval '{SERIOUS_TERM_MONTHS} months')::date >= {day})))"
    )


def restart_day(alias: str, day: str) -> str:
    """The latest revocation day on or before `day` of a repair of the entry (or null)."""
    return (
        f"(SELECT max(c.revoked_on) FROM credit_repairs c WHERE c.target_pk = {alias}.id"  # noqa: S608
        f" AND c.status = 'REVOKED' AND c.revoked_on <= {day})"
    )
