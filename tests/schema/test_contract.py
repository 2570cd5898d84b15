"""The served schema against the public contract (a copy of it lives in tests/data)."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
)
from graphql.type import introspection_types, specified_scalar_types

from schema.schema import schema

CONTRACT = Path(__file__).parent.parent / "data" / "contract.graphql"

# Root fields of the contract that are not served yet: none any more. A field arriving later
# would be named here until its feature lands, so the types only it reaches are left out.
NOT_YET_SERVED: set[str] = set()


def expected_schema() -> GraphQLSchema:
    """The contract without the root fields not served yet, and without every type only
    those fields reach (a schema keeps just the types reachable from its root)."""
    contract = build_schema(CONTRACT.read_text(encoding="utf-8"))
    query = contract.query_type
    assert query is not None
    fields = {name: f for name, f in query.fields.items() if name not in NOT_YET_SERVED}
    return GraphQLSchema(query=GraphQLObjectType(query.name, fields, description=query.description))


def served() -> GraphQLSchema:
    return schema._schema


def test_served_schema_breaks_nothing_of_the_contract() -> None:
    assert find_breaking_changes(expected_schema(), served()) == []


def test_fields_listed_as_not_served_are_really_missing() -> None:
    query = served().query_type
    assert query is not None
    assert NOT_YET_SERVED.isdisjoint(query.fields), "served now: shrink NOT_YET_SERVED"


def test_the_check_catches_a_removed_field() -> None:
    reduced = build_schema(CONTRACT.read_text(encoding="utf-8").replace("  recordCount: Int!\n", ""))
    assert find_breaking_changes(expected_schema(), reduced)


def _own_types(s: GraphQLSchema) -> list[object]:
    builtin = set(introspection_types) | set(specified_scalar_types)
    return [t for name, t in s.type_map.items() if name not in builtin]


def test_every_type_field_argument_and_enum_has_a_description() -> None:
    missing = []
    for t in _own_types(served()):
        name = getattr(t, "name", "?")
        if not getattr(t, "description", None):
            missing.append(name)
        if isinstance(t, GraphQLObjectType):
            for field_name, field in t.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({arg_name})"
                            for arg_name, arg in field.args.items() if not arg.description]
        if isinstance(t, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, v in t.fields.items() if not v.description]
    assert missing == []


def _kept(contract: str | None, mine: str | None) -> bool:
    """The contract's description, possibly followed by more."""
    return not contract or (mine or "").startswith(contract)


def test_contract_descriptions_are_kept() -> None:
    changed = []
    for t in _own_types(expected_schema()):
        name = getattr(t, "name", "?")
        mine = served().type_map[name]
        if not _kept(getattr(t, "description", None), mine.description):
            changed.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInputObjectType):
            assert isinstance(mine, GraphQLObjectType | GraphQLInputObjectType)
            changed += [f"{name}.{f}" for f, v in t.fields.items()
                        if not _kept(v.description, mine.fields[f].description)]
    assert changed == []


def test_risk_assessment_says_who_may_see_it() -> None:
    enterprise = served().type_map["Enterprise"]
    assert isinstance(enterprise, GraphQLObjectType)
    assert "needs the risk:read scope" in (enterprise.fields["riskAssessment"].description or "")
