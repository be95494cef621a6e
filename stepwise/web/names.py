"""How Stepwise names a colleague: their full name, else their user name."""

from typing import Any


def name_from(first_name: str, last_name: str, username: str) -> str:
    """Return the name for stored parts of a user (a values() row, say)."""
    return f"{first_name} {last_name}".strip() or username


def display_name(user: Any, nobody: str = "Nobody") -> str:
    """Return a colleague's full name, their user name if they have none, or `nobody`."""
    if user is None:
        return nobody
    return name_from(user.first_name, user.last_name, user.get_username())
