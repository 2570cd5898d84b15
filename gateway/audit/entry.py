"""One audit row's content: what a request did with enterprise data."""

from __future__ import annotations

import dataclasses
import datetime as dt


class AuditError(RuntimeError):
    """The row was not written: the caller must not send its response."""


class InvalidAuditEntry(AuditError):
    """An entry the trail cannot store as it is; refused alone, before it could fail the
    commit of the rows grouped with it."""


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    """What one request touched; the writer adds its seq and hashes."""

    at: dt.datetime
    """When the request was served; time-zone aware."""
    client_id: str | None
    role: str
    purpose: str | None
    operation: str | None
    """The GraphQL operation name; null for an anonymous operation."""
    usccs: tuple[str, ...]
    """Enterprise codes whose data the request returned or checked."""
    field_groups: tuple[str, ...]
    verdicts: tuple[str, ...]
    request_id: str
    client_address: str | None

    def texts(self) -> tuple[str | None, ...]:
        """Every text the entry holds."""
        scalars = (self.client_id, self.role, self.purpose, self.operation, self.request_id,
                   self.client_address)
        return (*scalars, *self.usccs, *self.field_groups, *self.verdicts)


def check_entry(entry: AuditEntry) -> None:
    """Raise InvalidAuditEntry for what PostgreSQL or the hash could not take."""
    if entry.at.tzinfo is None or entry.at.utcoffset() is None:
        raise InvalidAuditEntry("the audit instant needs a time zone")
    for name in ("usccs", "field_groups", "verdicts"):
        if not isinstance(getattr(entry, name), tuple):
            raise InvalidAuditEntry(f"{name} must be a tuple")
    for text in entry.texts():
        if text is None:
            continue
        if "\x00" in text:
            raise InvalidAuditEntry("audit texts cannot hold NUL characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidAuditEntry("audit texts must be valid Unicode") from None
