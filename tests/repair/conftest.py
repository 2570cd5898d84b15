"""Tests run against the gateway served with access control and audit on."""

from tests.auth.conftest import gateway  # noqa: F401 (the fixture, shared)
