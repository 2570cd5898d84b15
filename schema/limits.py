"""What one GraphQL request may ask: depth, aliases, tokens and cost; and what public callers
in production may not see: introspection and "Did you mean" suggestions.

Depth and aliases depend on the document alone, so they are validation rules and their
verdict is cached with the document. The cost depends on the `first` variables too, so it is
computed per request, just before execution. Fragments are walked once each (memoized), so a
document that spreads the same fragment again and again costs linear time to check
(strawberry's own QueryDepthLimiter and MaxAliasesLimiter walk every path: exponential).
Both extensions only add rules and parse options in on_operation and act in on_execute or
after the operation, so they work in any place of the schema's extension list.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.language import SKIP, VisitorAction
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from auth.principal import PUBLIC, Principal
from gateway.settings import Settings
from schema.errors import ErrorCode, with_code

PLAIN_LIST_WEIGHT = 10
"""Items a list field without a page size (e.g. Enterprise.penalties) is assumed to hold."""
DEFAULT_PAGE_SIZE = 20
"""Page size of a paged field whose `first` is absent or null (the schema's default)."""
VERIFICATION_COST = 10
"""Cost of each code of `verifyCredits`, whatever is selected of its result: each one loads a
profile, is judged, signed and stored."""
PRICED_PER_CODE = {"verifyCredits": "usccs"}
"""Fields that cost VERIFICATION_COST per item of a list argument, by the argument's name."""
COST_CEILING = 10**15
"""Costs are counted up to this, so a crafted document cannot make the count itself huge."""

Fragments = Mapping[str, FragmentDefinitionNode]
Measure = Callable[[SelectionSetNode | None, Fragments, dict[str, int]], int]
"""A count over selections (depth, aliases), given the fragments and a memo per fragment."""


@dataclasses.dataclass(frozen=True, slots=True)
class QueryLimits:
    """The limits of one deployment, with the validation rules made from them once (the
    document cache keys validation results by the rule classes, so they must not change
    from one request to the next)."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_cost: int
    production: bool
    rules: tuple[type[ValidationRule], ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            max_cost=settings.max_cost,
            production=settings.production,
            rules=(depth_rule(settings.max_depth), aliases_rule(settings.max_aliases)),
        )


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories of the extensions that enforce the limits (a new instance per request)."""
    limits = QueryLimits.from_settings(settings)
    return [
        functools.partial(QueryLimitsExtension, limits),
        functools.partial(PublicCallerExtension, limits),
    ]


def too_complex(message: str, node: OperationDefinitionNode | None = None) -> GraphQLError:
    """A QUERY_TOO_COMPLEX error, pointing at the operation when there is one."""
    return with_code(GraphQLError(message, node), ErrorCode.QUERY_TOO_COMPLEX)


# --- depth -------------------------------------------------------------------------------


def selection_depth(
    selections: SelectionSetNode | None, fragments: Fragments, memo: dict[str, int]
) -> int:
    """Fields on the longest path down from here; introspection fields count 0 (graphql-core's
    MaxIntrospectionDepthRule bounds them)."""
    depth = 0
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                depth = max(depth, 1 + selection_depth(selection.selection_set, fragments, memo))
        elif isinstance(selection, InlineFragmentNode):
            depth = max(depth, selection_depth(selection.selection_set, fragments, memo))
        elif isinstance(selection, FragmentSpreadNode):
            depth = max(depth, _fragment_value(selection, fragments, memo, selection_depth))
    return depth


def _fragment_value(
    spread: FragmentSpreadNode,
    fragments: Fragments,
    memo: dict[str, int],
    measure: Measure,
) -> int:
    """`measure` of a spread fragment, computed once per fragment. A fragment met again while
    being measured (a cycle, which NoFragmentCyclesRule reports) or unknown counts 0."""
    name = spread.name.value
    if name not in memo:
        fragment = fragments.get(name)
        memo[name] = 0
        memo[name] = measure(fragment.selection_set, fragments, memo) if fragment else 0
    return memo[name]


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule refusing operations nested deeper than `max_depth` fields."""
    return _limit_rule(
        selection_depth, max_depth, "the query is {} fields deep; at most {} are allowed"
    )


# --- aliases -----------------------------------------------------------------------------


def alias_count(
    selections: SelectionSetNode | None, fragments: Fragments, memo: dict[str, int]
) -> int:
    """Aliased fields from here down; a fragment's aliases count at every spread of it."""
    count = 0
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            count += (selection.alias is not None) + alias_count(
                selection.selection_set, fragments, memo
            )
        elif isinstance(selection, InlineFragmentNode):
            count += alias_count(selection.selection_set, fragments, memo)
        elif isinstance(selection, FragmentSpreadNode):
            count += _fragment_value(selection, fragments, memo, alias_count)
    return min(count, COST_CEILING)


def aliases_rule(max_aliases: int) -> type[ValidationRule]:
    """A validation rule refusing operations with more than `max_aliases` aliases."""
    return _limit_rule(
        alias_count, max_aliases, "the query uses {} aliases; at most {} are allowed"
    )


def _limit_rule(measure: Measure, limit: int, message: str) -> type[ValidationRule]:
    """A rule refusing each operation whose `measure` is over `limit`, with `message`
    formatted with the measure and the limit."""

    class OperationLimit(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> VisitorAction:
            try:
                value = measure(node.selection_set, _fragments(self), {})
            except RecursionError:
                self.report_error(too_complex("the query is nested too deeply", node))
                return SKIP
            if value > limit:
                self.report_error(too_complex(message.format(shown(value), limit), node))
            return SKIP

    return OperationLimit


def _fragments(rule: ValidationRule) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in rule.context.document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


# --- cost --------------------------------------------------------------------------------


class QueryCost:
    """The cost of one operation: every field 1, a list field's subtree times the items it
    may hold: the page size (`first`) of the paged field it belongs to, else
    PLAIN_LIST_WEIGHT; nested lists multiply. A batch verification costs VERIFICATION_COST
    per code asked for."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Fragments,
        variables: Mapping[str, object],
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables
        self._defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        self._memo: dict[tuple[str, int | None], int] = {}

    def of_selections(self, selections: SelectionSetNode, parent: Any, page: int | None) -> int:
        """Cost of a selection set on type `parent`; `page` is the page size of the paged
        field these selections belong to, if any."""
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self._schema.get_type(condition.name.value) if condition else parent
                total += self.of_selections(selection.selection_set, kind, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, page)
        return min(total, COST_CEILING)

    def _fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self._memo:
            fragment = self._fragments.get(name)
            self._memo[key] = 0  # a cycle (refused by validation) adds nothing
            if fragment is not None:
                kind = self._schema.get_type(fragment.type_condition.name.value)
                self._memo[key] = self.of_selections(fragment.selection_set, kind, page)
        return self._memo[key]

    def _field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(node.name.value)
        if node.name.value.startswith("__") or definition is None:
            return 0  # introspection is bounded by MaxIntrospectionDepthRule
        per_code = PRICED_PER_CODE.get(node.name.value)
        if per_code is not None and per_code in definition.args:
            return 1 + VERIFICATION_COST * self._list_length(node, per_code)
        first = self._page_size(node) if "first" in definition.args else None
        weight = 1
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            weight = first if first is not None else page if page is not None else (
                PLAIN_LIST_WEIGHT
            )
        children = 0
        if node.selection_set is not None:
            children = self.of_selections(
                node.selection_set, get_named_type(definition.type), first
            )
        return min(1 + weight * children, COST_CEILING)

    def _page_size(self, node: FieldNode) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        value = self._int_value(argument.value) if argument else None
        return DEFAULT_PAGE_SIZE if value is None else max(value, 0)

    def _list_length(self, node: FieldNode, name: str) -> int:
        """Items of list argument `name` (a literal or a variable); 1 when not a list (such
        a request is refused by validation anyway)."""
        argument = next((a for a in node.arguments or () if a.name.value == name), None)
        value = argument.value if argument else None
        if isinstance(value, VariableNode):
            variable = value.name.value
            if variable not in self._variables:  # then its default in the document applies
                value = self._defaults.get(variable)
            else:
                given = self._variables[variable]
                return len(given) if isinstance(given, list) else 1
        if isinstance(value, ListValueNode):
            return len(value.values)
        return 1

    def _int_value(self, value: ValueNode | None) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in self._variables:
                given = self._variables[name]
                return given if isinstance(given, int) and not isinstance(given, bool) else None
            return self._int_value(self._defaults.get(name))
        return None


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, object] | None,
) -> tuple[OperationDefinitionNode, int] | None:
    """The operation that will run and its cost; None when there is no such operation."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = QueryCost(schema, operation, fragments, variables or {})
    return operation, cost.of_selections(operation.selection_set, root, None)


# --- extensions --------------------------------------------------------------------------

_PARSE_LIMIT_MESSAGES = ("tokens. Parsing aborted.", "nested too deeply. Parsing aborted.")
_VALIDATION_RECURSION_MESSAGE = "Validation aborted."


def is_size_limit(error: GraphQLError) -> bool:
    """graphql-core gave up on the document: too many tokens or nested too deeply to parse,
    or nested too deeply to validate (its bare "Validation aborted.")."""
    if isinstance(error, GraphQLSyntaxError):
        return error.message.endswith(_PARSE_LIMIT_MESSAGES)
    return error.message == _VALIDATION_RECURSION_MESSAGE


def shown(number: int) -> str:
    """A count for a message: crafted documents can make counts astronomically large."""
    return str(number) if number < COST_CEILING else f"at least {COST_CEILING}"


class QueryLimitsExtension(SchemaExtension):
    """Refuses, with QUERY_TOO_COMPLEX, documents over the token limit (while parsing),
    operations over the depth or alias limit (validation) and over the cost limit (before
    execution, when the variables are known)."""

    def __init__(self, limits: QueryLimits) -> None:
        super().__init__()
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        # Set here, before any parse or validate hook runs: the document cache keys its
        # entries by both, whichever place it has among the extensions.
        context.parse_options["max_tokens"] = self.limits.max_tokens
        context.validation_rules = (*context.validation_rules, *self.limits.rules)
        yield
        result = context.result
        if result is not None and result.errors:
            result.errors = [
                with_code(e, ErrorCode.QUERY_TOO_COMPLEX) if is_size_limit(e) else e
                for e in result.errors
            ]

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is None:
            refusal = self._cost_refusal()
            if refusal is not None:
                context.result = ExecutionResult(None, [refusal])
        yield

    def _cost_refusal(self) -> GraphQLError | None:
        """The error for an operation over the cost limit; None for one within it."""
        context = self.execution_context
        if context.graphql_document is None:
            return None
        priced = operation_cost(
            context.schema._schema, context.graphql_document, context.operation_name,
            context.variables,
        )
        if priced is None or priced[1] <= self.limits.max_cost:
            return None
        operation, cost = priced
        return too_complex(
            f"the query costs {shown(cost)}; at most {self.limits.max_cost} is allowed", operation
        )


# --- public callers ----------------------------------------------------------------------


class IntrospectionForbidden(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule against __schema and __type, its errors coded FORBIDDEN."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(with_code(error, ErrorCode.FORBIDDEN))


_SUGGESTION = re.compile(r" Did you mean .*\?$", re.DOTALL)


def without_suggestion(error: GraphQLError) -> GraphQLError:
    """The error without graphql-core's trailing "Did you mean ...?" (a copy: validation
    errors are cached and shared)."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def caller_of(context: object) -> Principal:
    """The request's principal; a context without one is treated as public."""
    principal = getattr(context, "principal", PUBLIC)
    return principal if isinstance(principal, Principal) else PUBLIC


class PublicCallerExtension(SchemaExtension):
    """In production, public callers may not introspect the schema (FORBIDDEN) and get no
    field-name suggestions in error messages; partners and every caller outside production
    keep both."""

    def __init__(self, limits: QueryLimits) -> None:
        super().__init__()
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        restricted = self.limits.production and caller_of(context.context).is_public
        if restricted:
            # Also makes the document cache keep this caller's validation verdict apart.
            context.validation_rules = (*context.validation_rules, IntrospectionForbidden)
        yield
        result = context.result
        if restricted and result is not None and result.errors:
            result.errors = [without_suggestion(e) for e in result.errors]
