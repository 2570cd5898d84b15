"""The in-process gateway of the schema tests (access control off: every scope), and the
served one with access control and audit on."""

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
from tests.schema.conftest import client, services  # noqa: F401 (fixtures)
