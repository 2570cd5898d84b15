"""The HTTP application: GraphQL at /graphql, liveness at /healthz, readiness at /readyz."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.services import Services
from gateway.settings import Settings

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0
"""Seconds /readyz waits for the database before calling the process not ready."""


def _routes(services_of: Callable[[Request], Services]) -> list[Route]:
    from schema.http import GraphQLView
    from schema.schema import schema

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await services_of(request).pool.fetchval("SELECT 1", timeout=READY_TIMEOUT)
        except Exception as e:  # any failure means: not ready
            log.warning("not ready: %s", e)
            return JSONResponse({"status": "unavailable", "reason": "database"}, 503)
        return JSONResponse({"status": "ok"})

    return [
        Route("/graphql", GraphQLView(schema, services_of)),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]


def build_app(services: Services) -> Starlette:
    """The application around services that already run (tests, embedding)."""
    return Starlette(routes=_routes(lambda _: services))


def _services_in_state(request: Request) -> Services:
    services: Services = request.state.services
    return services


def create_app(settings: Settings) -> Starlette:
    """The application that starts its own services in its lifespan and stops them after."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        from gateway.lifecycle import start_services  # the process's components, started here

        async with start_services(settings) as services:
            yield {"services": services}

    return Starlette(routes=_routes(_services_in_state), lifespan=lifespan)
