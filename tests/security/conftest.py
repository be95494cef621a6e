"""The access tests' shared world, and the line CI shows: "authorisation matrix: N combinations".

The matrix reads one world (tests/security/world.py) built once per module inside a
transaction that is rolled back when the module is done, so thousands of requests
share a single set-up and leave nothing behind for other tests.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, transaction

from .world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Build the world once for a module; its tests must be marked django_db.

    pytest-django only creates the test database when a collected test asks for it,
    so without the mark this would write to the development database: refuse that.
    """
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        if not (in_memory or Path(name).name.startswith("test")):
            pytest.fail(f"not a test database ({name}): mark the tests with django_db")
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)
