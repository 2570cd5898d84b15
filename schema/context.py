"""What every resolver of one request can reach, typed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from auth.authenticate import UNCHECKED
from auth.principal import PUBLIC, Principal
from gateway.audit.writer import Attached
from gateway.rules.calendar import local_date
from gateway.services import Services
from schema.enterprise.loaders import EnterpriseLoaders


@dataclasses.dataclass(slots=True)
class Context:
    """The request context: the caller, the process's services and this request's loaders."""

    services: Services
    request: Request
    response: Response
    loaders: EnterpriseLoaders
    today: dt.date
    """The day rules evaluate on: today in Asia/Shanghai, fixed for the whole request."""
    request_id: str
    """Quoted in INTERNAL errors and in the log lines about them."""
    principal: Principal = PUBLIC
    """The caller, set at the edge from its access token (PUBLIC without one)."""
    touched: set[str] = dataclasses.field(default_factory=set)
    """Enterprise codes whose data this request returned (for the audit row)."""
    field_groups: set[str] = dataclasses.field(default_factory=set)
    """Which groups of enterprise data this request returned (for the audit row)."""
    verdicts: list[str] = dataclasses.field(default_factory=list)
    """Verification verdicts issued (for the audit row)."""
    operation_name: str | None = None
    """The executed operation's name (for the audit row)."""
    memberships: dict[str, bool] = dataclasses.field(default_factory=dict)
    """Whether the calling association has each enterprise asked about as a member (each
    asked once per request, see schema.enterprise.access.views_of)."""
    audit_follows: bool = False
    """Whether the request's audit row is written after execution (an HTTP request), so
    that rows can be `attached` to it."""
    attached: list[Attached] = dataclasses.field(default_factory=list)
    """Rows to store with the request's audit row, in its transaction (verifications)."""


Info = StrawberryInfo[Context, None]


def today_in_shanghai() -> dt.date:
    """Today as the rules count days: the date in Asia/Shanghai."""
    return local_date(dt.datetime.now(dt.UTC))


def build_context(services: Services, request: Request, response: Response) -> Context:
    """A fresh context (and fresh DataLoaders) for one request."""
    today = today_in_shanghai()
    principal = getattr(request.state, "principal", None) or (
        PUBLIC if services.settings.auth_enabled else UNCHECKED
    )
    return Context(
        principal=principal,
        services=services,
        request=request,
        response=response,
        loaders=EnterpriseLoaders(services),
        today=today,
        audit_follows=True,
        request_id=getattr(request.state, "request_id", None) or uuid.uuid4().hex,
    )
