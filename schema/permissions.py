"""Field permissions: what the caller's scopes allow, checked in one place."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from auth.roles import Scope
from schema.context import Info
from schema.errors import ErrorCode, ForbiddenError


def require(info: Info, scope: Scope) -> None:
    """Raise FORBIDDEN unless the caller holds `scope`."""
    if not info.context.principal.has(scope):
        raise ForbiddenError(f"needs the {scope.value} scope")


def needs(scope: Scope) -> type[BasePermission]:
    """A strawberry permission class: the field resolves to null with FORBIDDEN without
    `scope` (the field must be nullable)."""

    class Needs(BasePermission):
        message = f"needs the {scope.value} scope"
        error_extensions = {"code": ErrorCode.FORBIDDEN.value}  # noqa: RUF012

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            return info.context.principal.has(scope)

    Needs.__name__ = f"Needs_{scope.name}"
    return Needs
