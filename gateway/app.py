"""The HTTP application: GraphQL at /graphql, the token endpoint and its metadata, liveness
at /healthz, readiness at /readyz, behind the edge's middleware."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Scope

from auth.authenticate import Authenticator
from auth.middleware import Authenticate
from gateway.middleware import edge_middleware
from gateway.ratelimit import RateLimiter
from gateway.services import Services
from gateway.settings import Settings

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0
"""Seconds /readyz waits for the database before calling the process not ready."""


def _routes(settings: Settings, services_of: Callable[[Request], Services]) -> list[BaseRoute]:
    from auth.routes import access_routes
    from schema.http import GraphQLView
    from schema.schema import build_schema

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await services_of(request).pool.fetchval("SELECT 1", timeout=READY_TIMEOUT)
        except Exception as e:  # any failure means: not ready
            log.warning("not ready: %s", e)
            return JSONResponse({"status": "unavailable", "reason": "database"}, 503)
        return JSONResponse({"status": "ok"})

    graphql = GraphQLView(build_schema(settings), services_of)
    return [
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),  # subscriptions
        *access_routes(services_of),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]


def _middleware(
    settings: Settings, services_of: Callable[[Scope], Services], limiter: RateLimiter
) -> list[Middleware]:
    """The edge, outermost first (see gateway.middleware.edge_middleware)."""

    def authenticator_of(scope: Scope) -> Authenticator | None:
        access = services_of(scope).access
        return None if access is None else access.authenticator

    auth = Middleware(Authenticate, authenticator_of=authenticator_of, limiter=limiter)
    return edge_middleware(settings, limiter, auth=auth)


def build_app(services: Services) -> Starlette:
    """The application around services that already run (tests, embedding)."""
    limiter = RateLimiter.from_settings(services.settings)
    return Starlette(
        routes=_routes(services.settings, lambda _: services),
        middleware=_middleware(services.settings, lambda _: services, limiter),
    )


def _services_in_state(request: Request | Scope) -> Services:
    state = request.state if isinstance(request, Request) else request["state"]
    services: Services = state["services"] if isinstance(state, dict) else state.services
    return services


def freeze_startup_heap() -> None:
    """Put what start-up allocated (modules, the schema, rule sets) out of the garbage
    collector's reach, so its full collections scan only what requests leave behind.

    Those collections walked the whole start-up heap while every request in flight waited:
    under 32 clients they made the p99 of a verification 2.2 – 2.4 times its p50; frozen,
    1.5 – 1.9 times."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings) -> Starlette:
    """The application that starts its own services in its lifespan and stops them after."""

    limiter = RateLimiter.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        from gateway.lifecycle import start_services  # the process's components, started here

        async with start_services(settings) as services:
            freeze_startup_heap()
            try:
                yield {"services": services}
            finally:
                await limiter.aclose()

    return Starlette(
        routes=_routes(settings, _services_in_state),
        middleware=_middleware(settings, _services_in_state, limiter),
        lifespan=lifespan,
    )


def create_app_from_environment() -> Starlette:
    """`create_app` with the settings of this process's environment: what each worker
    process of `serve` runs (see GATEWAY_WORKERS)."""
    return create_app(Settings.from_env())
