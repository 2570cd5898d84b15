"""Depth, alias, token and cost limits, and what public callers in production may not see,
through the real schema with the limit extensions (executed in process; every refusal here
happens before a resolver runs, so no database is needed)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from graphql import parse, specified_rules, validate
from strawberry.schema.config import StrawberryConfig

from auth.principal import PUBLIC, Principal
from auth.roles import ROLE_SCOPES, Role
from gateway.settings import Settings
from schema.document_cache import DocumentCache
from schema.errors import ErrorCodes
from schema.limits import COST_CEILING, QueryLimits, limit_extensions, operation_cost
from schema.scalars import SCALAR_MAP
from schema.schema import GatewaySchema, Query, build_schema
from tests.archive.rows import code

PARTNER = Principal(role=Role.PARTNER, scopes=ROLE_SCOPES[Role.PARTNER], client_id="partner-1",
                    purpose="招标")
USCC = code(1)


@dataclasses.dataclass
class Caller:
    """What the limit extensions read from a request context."""

    principal: Principal
    request_id: str = "test-request"


def limited_schema(**env: str) -> GatewaySchema:
    settings = Settings.from_env({"GATEWAY_MAX_DEPTH": "4", "GATEWAY_MAX_ALIASES": "3",
                                  "GATEWAY_MAX_TOKENS": "100", "GATEWAY_MAX_COST": "100", **env})
    return build_schema(extensions=limit_extensions(settings))


@pytest.fixture(scope="module")
def schema() -> GatewaySchema:
    return limited_schema()


@pytest.fixture(scope="module")
def production() -> GatewaySchema:
    return limited_schema(GATEWAY_PRODUCTION="true", GATEWAY_ISSUER="https://credit.example")


async def errors_of(
    schema: GatewaySchema, query: str, principal: Principal = PUBLIC,
    variables: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    result = await schema.execute(query, variable_values=variables,
                                  context_value=Caller(principal))
    return [dict(error.formatted) for error in result.errors or []]


def validation_errors(schema: GatewaySchema, query: str) -> list[str]:
    """What validation with the schema's limit rules says (for queries that would need a
    database to execute)."""
    limits = QueryLimits.from_settings(Settings.from_env({
        "GATEWAY_MAX_DEPTH": "4", "GATEWAY_MAX_ALIASES": "3"}))
    return [e.message for e in validate(schema._schema, parse(query), (*specified_rules, *limits.rules))]


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [e["extensions"]["code"] for e in errors]


# --- depth, aliases, tokens ------------------------------------------------------------------


async def test_an_operation_deeper_than_the_limit_is_too_complex(schema: GatewaySchema) -> None:
    query = f'{{ enterprise(uscc: "{USCC}") {{ penalties {{ publicity {{ state }} provenance {{ source }} }} }} }}'
    assert validation_errors(schema, query) == []  # 4 deep: the limit
    deeper = "{ enterprises { edges { node { penalties { publicity { state } } } } } }"
    errors = await errors_of(schema, deeper)
    assert codes(errors) == ["QUERY_TOO_COMPLEX"]
    assert errors[0]["message"] == "the query is 6 fields deep; at most 4 are allowed"


async def test_depth_counts_through_fragments(schema: GatewaySchema) -> None:
    query = """{ enterprises { ...Page } }
      fragment Page on EnterpriseConnection { edges { node { ...Profile } } }
      fragment Profile on Enterprise { penalties { id } }"""
    assert codes(await errors_of(schema, query)) == ["QUERY_TOO_COMPLEX"]


async def test_more_aliases_than_the_limit_are_too_complex(schema: GatewaySchema) -> None:
    three = "{ a: sources { name } b: sources { name } c: sources { kind } }"
    assert validation_errors(schema, three) == []
    four = "{ a: sources { name } b: sources { name } c: sources { kind } d: sources { state } }"
    errors = await errors_of(schema, four)
    assert codes(errors) == ["QUERY_TOO_COMPLEX"]
    assert errors[0]["message"] == "the query uses 4 aliases; at most 3 are allowed"


async def test_aliases_in_a_fragment_count_at_every_spread(schema: GatewaySchema) -> None:
    query = """{ x: sources { ...Names } y: sources { ...Names } }
      fragment Names on SourceStatus { n: name }"""
    errors = await errors_of(schema, query)
    assert errors[0]["message"] == "the query uses 4 aliases; at most 3 are allowed"


async def test_a_document_over_the_token_limit_is_too_complex(schema: GatewaySchema) -> None:
    query = "{ " + " ".join("__typename" for _ in range(120)) + " }"
    errors = await errors_of(schema, query)
    assert codes(errors) == ["QUERY_TOO_COMPLEX"]
    assert "more than 100 tokens" in errors[0]["message"]


async def test_comments_count_as_tokens(schema: GatewaySchema) -> None:
    query = "{ __typename }" + "\n#".join("" for _ in range(120))
    assert codes(await errors_of(schema, query)) == ["QUERY_TOO_COMPLEX"]


async def test_a_syntax_error_stays_bad_user_input(schema: GatewaySchema) -> None:
    assert codes(await errors_of(schema, "{ enterprise(")) == ["BAD_USER_INPUT"]


async def test_doubling_fragments_are_checked_in_linear_time() -> None:
    """Each fragment spreads the next twice: 2**200 paths. Counting through every path (as
    strawberry's own depth and alias limiters do) would never end."""
    schema = limited_schema(GATEWAY_MAX_TOKENS="5000", GATEWAY_MAX_ALIASES="30")
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60))
    query = "{ ...F0 } " + fragments + " fragment F60 on Query { a: sources { name } }"
    errors = await errors_of(schema, query)
    assert codes(errors) == ["QUERY_TOO_COMPLEX"]
    assert errors[0]["message"] == (
        f"the query uses at least {COST_CEILING} aliases; at most 30 are allowed"
    )


async def test_a_document_too_nested_to_validate_is_too_complex() -> None:
    schema = limited_schema(GATEWAY_MAX_TOKENS="100000")
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(3000))
    query = "{ ...F0 } " + fragments + " fragment F3000 on Query { __typename }"
    assert codes(await errors_of(schema, query)) == ["QUERY_TOO_COMPLEX"]


# --- cost --------------------------------------------------------------------------------


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    schema = build_schema()
    priced = operation_cost(schema._schema, parse(query), None, variables)
    assert priced is not None
    return priced[1]


BATCH = """
query($codes: [USCC!]!) { verifyCredits(usccs: $codes, purpose: GOVERNMENT_PROCUREMENT) {
  id verdict token findings { code effect summary legalBasis } } }
"""
PAGE = "query($n: Int{default}) {{ enterprises(first: $n) {{ edges {{ node {{ name }} }} }} }}"


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        ("{ sources { name kind } }", None, 1 + 10 * 2),  # a plain list: 10 items
        (f'{{ enterprise(uscc: "{USCC}") {{ name penalties {{ id severity }} }} }}', None,
         1 + (1 + (1 + 10 * 2))),
        ("{ enterprises(first: 2) { edges { node { penalties { id } } } } }", None,
         1 + (1 + 2 * (1 + (1 + 10 * 1)))),  # nested lists multiply
        ("{ enterprises(first: 3) { totalCount edges { node { name } } } }", None,
         1 + (1 + (1 + 3 * (1 + 1)))),  # the page size weighs the page's list
        ("{ enterprises { edges { node { name } } } }", None, 1 + (1 + 20 * 2)),
        (PAGE.format(default=""), {"n": 7}, 1 + (1 + 7 * 2)),
        (PAGE.format(default=""), {"n": None}, 1 + (1 + 20 * 2)),
        (PAGE.format(default=""), {}, 1 + (1 + 20 * 2)),
        (PAGE.format(default=" = 4"), {}, 1 + (1 + 4 * 2)),
        (PAGE.format(default=""), {"n": "many"}, 1 + (1 + 20 * 2)),  # refused later
        ("{ __schema { types { fields { name } } } __typename }", None, 0),
        ("{ ...S } fragment S on Query { sources { name } }", None, 1 + 10),
        # A batch verification costs 10 per code, whatever is selected.
        (f'{{ verifyCredits(usccs: ["{USCC}", "{USCC}"], purpose: HONOURS) {{ id }} }}', None,
         1 + 10 * 2),
        (BATCH, {"codes": [USCC] * 1000}, 1 + 10 * 1000),
        (BATCH.replace("[USCC!]!", f'[USCC!]! = ["{USCC}", "{USCC}", "{USCC}"]'), {},
         1 + 10 * 3),  # the variable's default in the document
        (f'{{ a: verifyCredits(usccs: ["{USCC}"], purpose: HONOURS) {{ id verdict token }}'
         f' b: verifyCredits(usccs: "{USCC}", purpose: HONOURS) {{ id }} }}', None,
         (1 + 10) + (1 + 10)),  # a single code coerced to a list
    ],
)
def test_the_cost_of_a_query(query: str, variables: dict[str, Any] | None, expected: int) -> None:
    assert cost(query, variables) == expected


async def test_a_query_over_the_cost_limit_is_too_complex(schema: GatewaySchema) -> None:
    query = "{ enterprises(first: 30) { edges { node { name uscc status } } } }"
    errors = await errors_of(schema, query)
    assert codes(errors) == ["QUERY_TOO_COMPLEX"]
    assert errors[0]["message"] == "the query costs 122; at most 100 is allowed"
    assert errors[0]["locations"] == [{"line": 1, "column": 1}]


async def test_the_cost_follows_the_page_size_variable(schema: GatewaySchema) -> None:
    query = "query($n: Int) { enterprises(first: $n) { edges { node { name } } } }"
    errors = await errors_of(schema, query, variables={"n": 50})
    assert codes(errors) == ["QUERY_TOO_COMPLEX"]
    assert errors[0]["message"] == "the query costs 102; at most 100 is allowed"
    assert cost(query, {"n": 49}) == 100  # within: served (see test_http_limits)


def test_three_full_batches_in_one_request_are_over_the_default_cost_limit() -> None:
    aliases = " ".join(
        f"b{i}: verifyCredits(usccs: $codes, purpose: HONOURS) {{ id }}" for i in range(3)
    )
    query = f"query($codes: [USCC!]!) {{ {aliases} }}"
    assert cost(BATCH, {"codes": [USCC] * 1000}) <= 25_000  # one batch of 1,000 is served
    assert cost(query, {"codes": [USCC] * 1000}) > 25_000


async def test_a_huge_cost_is_shown_as_a_bound(schema: GatewaySchema) -> None:
    query = "query($n: Int) { enterprises(first: $n) { edges { node { uscc } } } }"
    errors = await errors_of(schema, query, variables={"n": 10**20})
    assert errors[0]["message"] == (
        f"the query costs at least {COST_CEILING}; at most 100 is allowed"
    )


# --- public callers in production ---------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_QUERY = '{ __type(name: "Enterprise") { name } }'


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE_QUERY])
async def test_public_callers_in_production_cannot_introspect(
    production: GatewaySchema, query: str
) -> None:
    errors = await errors_of(production, query)
    assert errors and set(codes(errors)) == {"FORBIDDEN"}
    assert "introspection has been disabled" in errors[0]["message"]


async def test_partners_in_production_can_introspect(production: GatewaySchema) -> None:
    result = await production.execute(INTROSPECTION, context_value=Caller(PARTNER))
    assert result.errors is None
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_public_callers_outside_production_can_introspect(schema: GatewaySchema) -> None:
    result = await schema.execute(INTROSPECTION, context_value=Caller(PUBLIC))
    assert result.errors is None


async def test_a_context_without_a_principal_counts_as_public(production: GatewaySchema) -> None:
    result = await production.execute(INTROSPECTION, context_value=object())
    assert {(e.extensions or {}).get("code") for e in result.errors or []} == {"FORBIDDEN"}


async def test_typename_stays_allowed(production: GatewaySchema) -> None:
    result = await production.execute("{ __typename }", context_value=Caller(PUBLIC))
    assert result.data == {"__typename": "Query"}


def schema_in_order(limits_first: bool) -> GatewaySchema:
    """The schema with the limit extensions before or after the document cache."""
    limits = limit_extensions(Settings.from_env({"GATEWAY_PRODUCTION": "true",
                                                 "GATEWAY_ISSUER": "https://credit.example"}))
    extensions = ([ErrorCodes, *limits, DocumentCache] if limits_first
                  else [ErrorCodes, DocumentCache, *limits])
    return GatewaySchema(query=Query, config=StrawberryConfig(scalar_map=SCALAR_MAP),
                         extensions=extensions)


@pytest.mark.parametrize("limits_first", [True, False])
async def test_the_document_cache_keeps_verdicts_per_kind_of_caller(limits_first: bool) -> None:
    """The same query text, validated first for one caller then for the other, both ways,
    whichever place the extensions have next to the cache."""
    production = schema_in_order(limits_first)
    for first, second in ((PARTNER, PUBLIC), (PUBLIC, PARTNER)):
        query = f"{INTROSPECTION} # {first.role} {limits_first}"
        one = await production.execute(query, context_value=Caller(first))
        two = await production.execute(query, context_value=Caller(second))
        verdicts = {first.role: one.errors is None, second.role: two.errors is None}
        assert verdicts == {Role.PARTNER: True, Role.PUBLIC: False}


MISSPELT = f'{{ enterprise(uscc: "{USCC}") {{ nmae }} }}'
BAD_ENUM = '{ enterprises(filter: {keyArea: FOOD_PRODUCTON}) { totalCount } }'
BAD_ENUM_VARIABLE = "query($f: EnterpriseFilter) { enterprises(filter: $f) { totalCount } }"


@pytest.mark.parametrize(
    ("query", "variables"),
    [(MISSPELT, None), (BAD_ENUM, None), (BAD_ENUM_VARIABLE, {"f": {"keyArea": "FOOD_PRODUCTON"}})],
)
async def test_public_callers_in_production_get_no_suggestions(
    production: GatewaySchema, schema: GatewaySchema, query: str,
    variables: dict[str, Any] | None,
) -> None:
    public = await errors_of(production, query, PUBLIC, variables)
    assert public and not any("Did you mean" in e["message"] for e in public), public
    assert all(e["message"].endswith(".") for e in public), public
    for suggested in (await errors_of(production, query, PARTNER, variables),
                      await errors_of(schema, query, PUBLIC, variables)):
        assert any("Did you mean" in e["message"] for e in suggested), suggested
