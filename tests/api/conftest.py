"""Shared API fixtures: a New Zealand school with a roster, and a token of its organisation.

Who may see what: a token acts for its own organisation only. `token` belongs to
Kauri Test College (NZ-1); `other_token` to Rimu School (NZ-2), which must never
reach NZ-1's students through any endpoint.
"""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from stepwise.api.services import token_create
from stepwise.onboarding.organisations import school_setup
from tests.conftest import TODAY

__all__ = ["TODAY", "Api"]


@dataclass
class Api:
    """A test client that sends a bearer token with every request."""

    client: Client
    secret: str

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(extra or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str):
        return self.client.get(path, params or {}, headers=self.headers(headers))

    def post(self, path: str, body: Any, **headers: str):
        return self.client.post(
            path, json.dumps(body), content_type="application/json", headers=self.headers(headers)
        )

    def put(self, path: str, body: Any, **headers: str):
        return self.client.put(
            path, json.dumps(body), content_type="application/json", headers=self.headers(headers)
        )


@pytest.fixture
def token_pair(nz_roster):
    return token_create(organisation=nz_roster.organisation, name="SMS push", created_by=None)


@pytest.fixture
def api(token_pair) -> Api:
    return Api(Client(), token_pair[1])


@pytest.fixture
def other_school(db):
    return school_setup(code="NZ-2", name="Rimu School", pack="nz", today=TODAY)


@pytest.fixture
def other_api(other_school) -> Api:
    _, secret = token_create(
        organisation=other_school.organisation, name="Rimu SMS", created_by=None
    )
    return Api(Client(), secret)


def marks(student: str, days: list[str], code: str, sessions=("AM", "PM")) -> list[dict[str, str]]:
    return [
        {"student_id": student, "date": day, "session": s, "code": code}
        for day in days
        for s in sessions
    ]


WEEK = ["2026-10-12", "2026-10-13", "2026-10-14", "2026-10-15", "2026-10-16"]
