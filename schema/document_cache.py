"""Parsed and validated documents, cached by query text.

Clients send the same few documents again and again, and parsing plus validating a full
profile query costs more than executing it. Strawberry's ParserCache/ValidationCache key
validation by the parsed document, whose hash walks the whole syntax tree on every request;
this cache keys both steps by the query text (plus parse options and validation rules), so a
repeated query costs a dictionary lookup.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from typing import Any

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 512


@dataclasses.dataclass(slots=True)
class CachedDocument:
    document: DocumentNode
    errors: dict[Hashable, tuple[GraphQLError, ...]] = dataclasses.field(default_factory=dict)
    """Validation errors per set of validation rules."""


class LRUCache:
    """A bounded map from key to entry, dropping the least recently used."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, CachedDocument] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CachedDocument | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: CachedDocument) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


_DOCUMENTS = LRUCache(MAX_DOCUMENTS)


def _hashable(options: Mapping[str, Any]) -> Hashable:
    return tuple(sorted(options.items()))


class DocumentCache(SchemaExtension):
    """Reuses the parse and the validation result of a query text seen before."""

    def _key(self) -> Hashable:
        context = self.execution_context
        return context.schema, context.query, _hashable(context.parse_options)

    def on_parse(self) -> Iterator[None]:
        key = self._key()
        entry = _DOCUMENTS.get(key)
        if entry is not None:
            self.execution_context.graphql_document = entry.document
        yield
        document = self.execution_context.graphql_document
        if entry is None and document is not None and self.execution_context.query:
            _DOCUMENTS.put(key, CachedDocument(document))

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = _DOCUMENTS.get(self._key())
        if entry is None or entry.document is not context.graphql_document:
            yield
            return
        rules = tuple(context.validation_rules)
        cached = entry.errors.get(rules)
        if cached is not None:
            context.pre_execution_errors = list(cached)
        yield
        if cached is None and context.pre_execution_errors is not None:
            entry.errors[rules] = tuple(context.pre_execution_errors)
