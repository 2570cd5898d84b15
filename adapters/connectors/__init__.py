"""Connector kinds: how the gateway reaches a department's system."""

from __future__ import annotations

from adapters.base import Connector
from adapters.config import SourceConfig
from adapters.connectors.file import FileConnector
from adapters.connectors.http import HttpConnector
from adapters.connectors.postgres import PostgresConnector

CONNECTORS: dict[str, type[FileConnector | HttpConnector | PostgresConnector]] = {
    "postgres": PostgresConnector,
    "http": HttpConnector,
    "file": FileConnector,
}


def open_connector(source: SourceConfig) -> Connector:
    """The connector of `source`'s kind; it connects lazily, on first use."""
    return CONNECTORS[source.connector](source)
