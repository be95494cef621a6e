"""The access tests' world, shared with the audit tests of list views."""

from tests.security.conftest import world  # noqa: F401
