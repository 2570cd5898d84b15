"""The in-process gateway of the schema tests (access control off: every scope)."""

from tests.schema.conftest import client, services  # noqa: F401 (fixtures)
