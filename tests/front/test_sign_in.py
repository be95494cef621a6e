"""Signing in and out; every page but the sign-in page needs a signed-in user."""

import pytest

from .conftest import PASSWORD


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/schools/NZ-0427/",
        "/schools/NZ-0427/terms/2026T4/",
        "/schools/NZ-0427/students/100000001/?term=2026T4",
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, school, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_the_sign_in_page_is_a_govuk_form(client, db):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" class="govuk-template">' in html
    assert 'class="govuk-input' in html
    assert 'autocomplete="current-password"' in html
    assert "There is a problem" not in html


def test_wrong_credentials_show_an_error_summary(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in – Stepwise</title>" in html
    assert 'class="govuk-error-summary"' in html
    assert "There is a problem" in html
    assert 'href="#id_username"' in html
    assert "govuk-input--error" in html


def test_empty_fields_name_what_to_enter(client, db):
    response = client.post("/sign-in/", {"username": "", "password": ""})
    html = response.content.decode()
    assert "Enter your username" in html
    assert "Enter your password" in html


def test_an_officer_signs_in_and_out(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"

    page = client.get("/schools/NZ-0427/terms/2026T4/").content.decode()
    assert "Officer Officer" in page
    assert 'action="/sign-out/"' in page

    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
