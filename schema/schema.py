"""The served schema: the root Query composed once from each domain's query class."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.settings import Settings
from schema.audit.queries import AuditQuery
from schema.auditing import RecordOperation
from schema.commitments.associations import AssociationMutation
from schema.commitments.mutations import CommitmentMutation
from schema.commitments.queries import CommitmentQuery
from schema.document_cache import DocumentCache
from schema.enterprise.queries import EnterpriseQuery
from schema.errors import ErrorCodes
from schema.events.queries import EventsQuery
from schema.events.subscription import EventsSubscription
from schema.inspections.mutations import InspectionMutation
from schema.inspections.queries import InspectionQuery
from schema.limits import limit_extensions
from schema.lists.mutations import ListMutation
from schema.lists.queries import ListsQuery
from schema.repair.mutations import RepairMutation
from schema.repair.queries import RepairQuery
from schema.risk.queries import RiskQuery
from schema.scalars import SCALAR_MAP
from schema.sources.queries import SourcesQuery
from schema.supervision.mutations import SupervisionMutation
from schema.supervision.queries import SupervisionQuery
from schema.verification.queries import VerificationQuery


@strawberry.type(description="Read access to the credit archive.")
class Query(EnterpriseQuery, VerificationQuery, SourcesQuery, AuditQuery, ListsQuery,
            EventsQuery, RepairQuery, SupervisionQuery, InspectionQuery, RiskQuery,
            CommitmentQuery):
    pass


@strawberry.type(description="Decisions of the bureau's supervisors.")
class Mutation(ListMutation, RepairMutation, CommitmentMutation, AssociationMutation,
               SupervisionMutation, InspectionMutation):
    pass


@strawberry.type(description="Changes pushed over WebSocket (graphql-transport-ws).")
class Subscription(EventsSubscription):
    pass


class GatewaySchema(strawberry.Schema):
    """Logs through `ErrorCodes` only: expected failures are not logged as errors, bugs are
    logged once with the request id."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(settings: Settings | None = None, **extra: Any) -> GatewaySchema:
    """The schema, with the request limits of `settings` (none without); `extra` is passed
    to strawberry.Schema (e.g. more extensions). Extensions are classes or factories, so every
    request gets its own instances."""
    limits = [] if settings is None else limit_extensions(settings)
    extensions = [ErrorCodes, *limits, RecordOperation, DocumentCache,
                  *extra.pop("extensions", ())]
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=extensions,
        **extra,
    )


schema = build_schema()
