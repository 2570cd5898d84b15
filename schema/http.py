"""GraphQL over HTTP: strawberry's ASGI view, with what the GraphQL-over-HTTP spec adds.

Strawberry already serves POST application/json, GET queries, GraphiQL for browsers and
400 for bodies that are not JSON. This view adds:

- `application/graphql-response+json` when the client accepts it (else application/json),
  and with it 400 for a request error (a document that does not parse or validate, or bad
  variables), which never reaches execution; field errors stay 200; a request that failed
  by our fault before execution is 500 with either media type;
- 405 with `Allow: POST` for a mutation sent over GET (strawberry answers 400);
- no `data` entry when execution never began (the GraphQL spec's request error);
- JSON error bodies with a code for transport failures, and UTF-8 JSON without escapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from gateway.services import Services
from schema.auditing import audited
from schema.context import Context, build_context
from schema.errors import ErrorCode
from schema.events.socket import SocketContext, SubscriptionsOnly, admit, socket_context

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def response_media_type(accept: str | None) -> str:
    """application/graphql-response+json when the client accepts it at least as much as
    application/json; application/json otherwise (also with no Accept header at all)."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weights[media.lower()] = _quality(params)
    preferred = weights.get(GRAPHQL_RESPONSE_JSON, 0.0)
    legacy = max(weights.get(JSON, 0.0), weights.get("application/*", 0.0),
                 weights.get("*/*", 0.0))
    return GRAPHQL_RESPONSE_JSON if preferred > 0 and preferred >= legacy else JSON


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def is_request_error(result: ExecutionResult) -> bool:
    """Execution never began: no data, and no error belongs to a field."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def _is_internal(result: ExecutionResult) -> bool:
    return any(_code(e) == ErrorCode.INTERNAL for e in result.errors or [])


def _code(error: GraphQLError) -> object:
    return (error.extensions or {}).get("code")


class GraphQLView(GraphQL[Context, None]):
    """The /graphql endpoint; `services_of` finds the process's Services for a request.
    Subscriptions run over WebSocket with graphql-transport-ws (see schema.events.socket)."""

    graphql_transport_ws_handler_class = SubscriptionsOnly

    def __init__(self, schema: BaseSchema, services_of: Callable[[Request], Services]) -> None:
        super().__init__(schema, graphql_ide="graphiql",
                         subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self._services_of = services_of

    async def get_context(self, request: Any, response: Any) -> Context:
        if request.scope["type"] == "websocket":
            return socket_context(self._services_of(request), request)
        return build_context(self._services_of(request), request, response)

    async def on_ws_connect(self, context: Context) -> None:
        if isinstance(context, SocketContext):
            await admit(context)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)  # compact UTF-8, as json.dumps(ensure_ascii=False) but faster

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as e:
            if isinstance(e.__cause__, InvalidOperationTypeError) and request.method == "GET":
                raise HTTPException(405, "mutations are accepted over POST only") from e
            raise
        return await audited(context, result)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            response.pop("data", None)
            internal = _is_internal(result)
            request.state.graphql_status = 500 if internal else 400
        return response

    async def run(
        self, request: Any, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        response = await super().run(request, context, root_value)
        if isinstance(response, Response) and response.media_type == JSON:
            media_type = response_media_type(request.headers.get("accept"))
            response.headers["content-type"] = media_type
            status = getattr(request.state, "graphql_status", None)
            if status is not None and (media_type == GRAPHQL_RESPONSE_JSON or status == 500):
                response.status_code = status
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as e:
            response = self._transport_error(request, e)
        await response(scope, receive, send)
        return None

    def _transport_error(self, request: Request, error: HTTPException) -> Response:
        """A failure before GraphQL could run (bad body, wrong method), as a GraphQL error."""
        body: dict[str, object] = {"message": error.reason}
        if 400 <= error.status_code < 500:
            body["extensions"] = {"code": ErrorCode.BAD_USER_INPUT.value}
        headers = {}
        if error.status_code == 405:
            headers["Allow"] = "POST" if request.method == "GET" else "GET, POST"
        return Response(
            self.encode_json({"errors": [body]}),
            status_code=error.status_code,
            media_type=response_media_type(request.headers.get("accept")),
            headers=headers,
        )
