"""What every resolver of one request can reach, typed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from gateway.rules.calendar import local_date
from gateway.services import Services
from schema.enterprise.loaders import EnterpriseLoaders


@dataclasses.dataclass(slots=True)
class Context:
    """The request context. Access control will add the caller (its principal) here."""

    services: Services
    request: Request
    response: Response
    loaders: EnterpriseLoaders
    today: dt.date
    """The day rules evaluate on: today in Asia/Shanghai, fixed for the whole request."""
    request_id: str
    """Quoted in INTERNAL errors and in the log lines about them."""


Info = StrawberryInfo[Context, None]


def today_in_shanghai() -> dt.date:
    """Today as the rules count days: the date in Asia/Shanghai."""
    return local_date(dt.datetime.now(dt.UTC))


def build_context(services: Services, request: Request, response: Response) -> Context:
    """A fresh context (and fresh DataLoaders) for one request."""
    today = today_in_shanghai()
    return Context(
        services=services,
        request=request,
        response=response,
        loaders=EnterpriseLoaders(services),
        today=today,
        request_id=uuid.uuid4().hex,
    )
