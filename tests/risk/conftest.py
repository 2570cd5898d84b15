"""Fixtures of the risk tests: the in-process gateway of the schema tests (access control off)
and the served one (access control on, reassessing changed enterprises in the background).
`clean_archive` empties the assessments with the archive."""

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
from tests.schema.conftest import client, services  # noqa: F401 (fixtures)
