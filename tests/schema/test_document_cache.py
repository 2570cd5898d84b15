from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, parse
from strawberry.extensions import SchemaExtension

from schema.document_cache import CachedDocument, LRUCache
from schema.schema import build_schema

documents: list[DocumentNode | None] = []


class SeenDocuments(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        documents.append(self.execution_context.graphql_document)
        yield


def test_a_repeated_query_is_parsed_once() -> None:
    schema = build_schema(extensions=[SeenDocuments])
    documents.clear()
    query = '{ __type(name: "Enterprise") { name } }'
    first = schema.execute_sync(query)
    second = schema.execute_sync(query)
    assert first.data == second.data == {"__type": {"name": "Enterprise"}}
    assert len(documents) == 2 and documents[0] is documents[1]


def test_cached_validation_errors_stay_the_same() -> None:
    schema = build_schema()
    results = [schema.execute_sync("{ nosuchfield }") for _ in range(3)]
    formatted = [[e.formatted for e in r.errors or []] for r in results]
    assert formatted[0] == formatted[1] == formatted[2]
    (error,) = formatted[0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "nosuchfield" in error["message"]


def test_schemas_do_not_share_documents() -> None:
    documents.clear()
    query = "{ __typename }"
    for _ in range(2):
        build_schema(extensions=[SeenDocuments]).execute_sync(query)
    assert len(documents) == 2 and documents[0] is not documents[1]


def test_least_recently_used_entries_go_first() -> None:
    lru = LRUCache(2)
    for key in ("a", "b"):
        lru.put(key, CachedDocument(parse("{ x }")))
    assert lru.get("a") is not None  # "b" is now the least recently used
    lru.put("c", CachedDocument(parse("{ y }")))
    assert lru.get("b") is None
    assert lru.get("a") is not None and lru.get("c") is not None
