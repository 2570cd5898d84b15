"""GraphQL over WebSocket (graphql-transport-ws): who is on the socket, and what it may run.

The edge authenticates HTTP requests only; a socket's caller is known once its
connection_init arrives, from the same Authorization and X-Purpose values in its payload.
Only subscriptions run on a socket: queries and mutations go over HTTP, where every answer
is audited and counted against the caller's quota. The handshake counts against the
address's quota (gateway.middleware.RateLimit) and every subscription started against the
caller's.
"""

from __future__ import annotations

import dataclasses
from typing import cast

from graphql import GraphQLError, GraphQLSyntaxError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from auth.authenticate import BadPurpose, Unauthenticated
from auth.principal import Principal
from gateway.middleware import LIMITER_STATE, address_of
from gateway.ratelimit import RateLimiter, retry_after
from gateway.services import Services
from schema.context import Context, build_context
from schema.errors import ErrorCode
from schema.events.access import feed_refusal

SUBSCRIPTIONS_ONLY = (
    "only subscriptions are served over WebSocket: send queries and mutations over HTTP"
)


@dataclasses.dataclass(slots=True)
class SocketContext(Context):
    """The context of every operation on one socket."""

    connection_params: dict[str, object] = dataclasses.field(default_factory=dict)
    """The payload of connection_init (strawberry sets it)."""


def socket_context(services: Services, websocket: WebSocket) -> SocketContext:
    """A context for a new socket: the caller is PUBLIC until connection_init says more."""
    # The socket stands in for the request: only its client address and state are read.
    base = build_context(services, cast(Request, websocket), cast(Response, websocket))
    values = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    values["audit_follows"] = False  # nothing is written after a socket's operations
    return SocketContext(**values)


def credentials(context: SocketContext) -> dict[str, str]:
    """The connection_init payload as the headers the authenticator reads."""
    return {k.lower(): v for k, v in context.connection_params.items() if isinstance(v, str)}


async def authenticate(context: SocketContext) -> Principal | str:
    """The caller of the socket, or why it is refused."""
    access = context.services.access
    if access is None:  # the edge is not started (schema tests): the context decides
        principal = context.principal
    else:
        try:
            principal = await access.authenticator.principal(credentials(context))
        except (Unauthenticated, BadPurpose) as e:
            return str(e)
    return feed_refusal(principal) or principal


async def admit(context: SocketContext) -> None:
    """Accept the caller of connection_init, or refuse it (the socket closes with 4403)."""
    found = await authenticate(context)
    if isinstance(found, str):
        raise ConnectionRejectionError({"message": found})
    context.principal = found


class SubscriptionsOnly(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws that answers a query or mutation with an error message."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            refusal = await self._refusal(message)
            if refusal is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refusal.formatted]}
                )
                return
        await super().handle_subscribe(message)

    async def _refusal(self, message: SubscribeMessage) -> GraphQLError | None:
        """Why an operation of an admitted caller is not started, if it is not: it is not a
        subscription, or the caller's quota is used up (each subscription counts)."""
        if not _is_subscription(message):
            return GraphQLError(
                SUBSCRIPTIONS_ONLY, extensions={"code": ErrorCode.BAD_USER_INPUT.value}
            )
        context = self.context
        limiter = getattr(context.request.state, LIMITER_STATE, None)
        if not isinstance(limiter, RateLimiter):
            return None
        wait = await limiter.hit(context.principal, address_of(context.request.scope))
        if wait is None:
            return None
        seconds = retry_after(wait)
        return GraphQLError(f"too many requests; retry in {seconds} s",
                            extensions={"code": ErrorCode.RATE_LIMITED.value})


def _is_subscription(message: SubscribeMessage) -> bool:
    """Whether the message asks for a subscription (a document that does not parse is left
    to the protocol handler, which closes the socket)."""
    payload = message["payload"]
    try:
        document = parse(payload["query"])
    except GraphQLSyntaxError:
        return True
    operation = get_operation_ast(document, payload.get("operationName"))
    return operation is None or operation.operation is OperationType.SUBSCRIPTION
