"""Every error a client can see, with its machine code in `extensions.code`.

Expected failures raise a `GatewayError` subclass; anything else that escapes a resolver is a
bug: `ErrorCodes` replaces it with an INTERNAL error carrying the request id, and logs the
original with the same id.
"""

from __future__ import annotations

import contextlib
import enum
import logging
from collections.abc import Iterator
from typing import ClassVar

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from adapters.base import SourceUnavailable
from gateway.archive.search import InvalidSearchError
from gateway.refusals import Refused
from gateway.uscc import InvalidUSCC

log = logging.getLogger(__name__)


class ErrorCode(enum.StrEnum):
    """The codes of the contract that the served fields can raise."""

    INVALID_USCC = "INVALID_USCC"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
    INTERNAL = "INTERNAL"


class GatewayError(GraphQLError):
    """An expected failure. Being a GraphQLError, it keeps its message and code whether a
    resolver or a scalar parser raises it."""

    code: ClassVar[ErrorCode]

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code.value})


class InvalidUSCCError(GatewayError):
    """An argument is not a valid Unified Social Credit Code."""

    code = ErrorCode.INVALID_USCC


class BadUserInputError(GatewayError):
    """Any other invalid argument."""

    code = ErrorCode.BAD_USER_INPUT


class ForbiddenError(GatewayError):
    """The caller's scopes (or missing purpose) do not allow this field."""

    code = ErrorCode.FORBIDDEN


class QueryTooComplexError(GatewayError):
    """Depth, alias, token or cost limit exceeded."""

    code = ErrorCode.QUERY_TOO_COMPLEX


class SourceUnavailableError(GatewayError):
    """A source could not be reached and the archive has no fresh-enough copy."""

    code = ErrorCode.SOURCE_UNAVAILABLE


INTERNAL_MESSAGE = "Internal error; quote the request id when reporting it."


def error_code(error: GraphQLError) -> str | None:
    """The code an error already carries, if any."""
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def is_unexpected(error: GraphQLError) -> bool:
    """An exception from our code that is not a typed failure, i.e. a bug to mask."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def masked(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """The client's view of an unexpected error: no message, no details."""
    return GraphQLError(
        INTERNAL_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
    )


def with_code(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    """A copy of the error with `code` added (e.g. a query that does not validate); a copy,
    since validation errors are cached and shared between requests."""
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code.value},
    )


class ErrorCodes(SchemaExtension):
    """Gives every error of a result a code: typed failures keep theirs, request errors
    (syntax, validation, variables) become BAD_USER_INPUT, bugs become INTERNAL and are
    logged with the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", None)
        result.errors = [self._classify(error, request_id) for error in result.errors]

    def _classify(self, error: GraphQLError, request_id: str | None) -> GraphQLError:
        if is_unexpected(error):
            log.error(
                "request %s: unexpected error at %s", request_id, error.path,
                exc_info=error.original_error,
            )
            return masked(error, request_id)
        if error_code(error) is None:
            return with_code(error, ErrorCode.BAD_USER_INPUT)
        return error


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn the typed failures of the layers below into the client's error codes."""
    try:
        yield
    except (InvalidSearchError, Refused) as e:
        raise BadUserInputError(str(e)) from None
    except InvalidUSCC as e:
        raise InvalidUSCCError(f"invalid USCC: {e}") from None
    except SourceUnavailable as e:
        raise SourceUnavailableError(f"a source could not be reached: {e}") from None
