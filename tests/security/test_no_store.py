"""Nothing a signed-in person is shown may be kept by a browser or a proxy cache.

Every answer to a signed-in person, a page or a PDF or zip download, carries
`Cache-Control: no-store`, in production settings (HTTPS only, secure cookies). Static
files, which name no one, may be cached as usual.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in

from .test_authorisation_matrix import OWN, endpoints_with_rules
from .world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    """Settings as STEPWISE_PRODUCTION=1 makes them (stepwise/settings.py)."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    return settings


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_and_download_for_a_signed_in_person_says_no_store(world: World, production):
    clients: dict[str, Client] = {}
    looked_at, failures = 0, []
    for endpoint in endpoints_with_rules():
        for own in OWN[endpoint.name]:
            url = own.target(world).url(endpoint.name)
            role = own.roles[0]
            client = clients.setdefault(role, sign_in(Client(), world.users[role]))
            if own.form is not None:
                response = client.post(url, own.form(world), secure=True)
            else:
                response = client.get(url, secure=True)
            looked_at += 1
            if not no_store(response):
                kind = response.get("Content-Type", "")
                failures.append(f"{role} {url} ({response.status_code}, {kind})")
    assert looked_at > 60, "the walk looked at too few pages to prove anything"
    assert not failures, "cacheable answers to a signed-in person:\n" + "\n".join(failures)


def test_pdf_and_zip_downloads_say_no_store(world: World, production):
    staff = sign_in(Client(), world.users["x_caseworker"])
    case = world.case_x
    for name, kwargs, kind in (
        ("letter_download", {"pk": case.pk, "letter_pk": world.letter_x.pk}, "application/pdf"),
        ("case_bundle_zip", {"pk": case.pk}, "application/zip"),
        ("case_chronology_pdf", {"pk": case.pk}, "application/pdf"),
    ):
        response = staff.get(reverse(name, kwargs=kwargs), secure=True)
        assert response.status_code == 200 and response["Content-Type"] == kind
        assert no_store(response), f"{name}: {response.get('Cache-Control')!r}"


def test_static_files_may_still_be_cached(world: World, production):
    # Stylesheets and scripts name no one: a signed-in person's browser keeps them.
    staff = sign_in(Client(), world.users["x_caseworker"])
    response = staff.get("/static/stepwise.js", secure=True)
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"] and not no_store(response)
