"""The small New Zealand school of the front-end tests: its officer, students and outsider."""

from tests.front.conftest import fast_passwords, officer, school, students  # noqa: F401
