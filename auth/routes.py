"""HTTP routes of the edge: the token endpoint, the JWKS and the server metadata."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.access import Access
from auth.metadata import jwks, server_metadata
from gateway.services import Services

# Public keys change only on rotation; clients may cache them briefly.
_KEYS_CACHE = {"cache-control": "public, max-age=300"}


def access_routes(services_of: Callable[[Request], Services]) -> list[Route]:
    """POST /oauth/token, GET /.well-known/jwks.json and the RFC 8414 metadata."""

    def access(request: Request) -> Access:
        found = services_of(request).access
        if found is None:
            raise RuntimeError("the edge was not started")  # a wiring bug, answered INTERNAL
        return found

    async def token(request: Request) -> Response:
        return await access(request).token_server.respond(request, services_of(request).pool)

    async def keys(request: Request) -> JSONResponse:
        return JSONResponse(jwks(access(request).token_server.keys), headers=_KEYS_CACHE)

    async def metadata(request: Request) -> JSONResponse:
        return JSONResponse(server_metadata(access(request).policy), headers=_KEYS_CACHE)

    return [
        Route("/oauth/token", token, methods=["POST"]),
        Route("/.well-known/jwks.json", keys, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
    ]
