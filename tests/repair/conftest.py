"""Most tests run against the gateway served with access control and audit on (`gateway`);
profile checks use the in-process app with access control off (`client`)."""

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
from tests.schema.conftest import client, services  # noqa: F401 (fixtures, access control off)
