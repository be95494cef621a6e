"""Every school page says when the register was last updated, and warns plainly when the
last school day has no marks yet: a missing feed would otherwise leave that day out of
every count without a word. The officer's first view (the queue) shows it too.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership
from stepwise.register.importers.register import import_register
from tests.conftest import REGISTER_HEADER, csv_bytes, sign_in

WARNING = "No marks for today (Tuesday 24 November) yet"


@pytest.fixture
def officer(nz_roster):
    user = get_user_model().objects.create_user("officer")
    Membership.objects.create(
        user=user, organisation=nz_roster.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )
    return user


def marks(day: str) -> bytes:
    return csv_bytes(
        REGISTER_HEADER,
        f"NZ-1,100000001,{day},AM,P",
        f"NZ-1,100000002,{day},AM,P",
    )


def test_the_officers_first_view_warns_when_today_has_no_marks(client, officer):
    sign_in(client, officer)
    first = client.get("/", follow=True)
    assert first.redirect_chain[-1][0] == "/schools/NZ-1/queue/"
    page = first.content.decode()
    assert WARNING in page and "No register has been imported yet" in page

    import_register(marks("2026-11-23"), file_name="monday.csv")
    page = client.get("/schools/NZ-1/queue/").content.decode()
    assert WARNING in page and "The register was last updated" in page


def test_the_warning_goes_once_the_days_marks_are_in(client, officer):
    import_register(marks("2026-11-24"), file_name="today.csv")
    sign_in(client, officer)
    for url in ("/schools/NZ-1/queue/", "/schools/NZ-1/early-warning/", "/schools/NZ-1/imports/"):
        page = client.get(url, follow=True).content.decode()
        assert "Register last updated 24 November 2026" in page, url
        assert "No marks for" not in page, url


def test_a_page_with_no_school_says_nothing_of_registers(client, officer):
    sign_in(client, officer)
    assert 'id="register-freshness"' not in client.get("/two-factor/missing/").content.decode()


def test_before_the_morning_register_is_due_the_day_before_is_the_one_checked(client, officer):
    sign_in(client, officer)
    early = datetime(2026, 11, 24, 5, 15, tzinfo=ZoneInfo("Pacific/Auckland"))
    with time_machine.travel(early, tick=False):
        page = client.get("/schools/NZ-1/queue/").content.decode()
        assert "No marks for Monday 23 November yet" in page and WARNING not in page

        import_register(marks("2026-11-23"), file_name="monday.csv")
        page = client.get("/schools/NZ-1/queue/").content.decode()
        assert "Register last updated" in page and "No marks for" not in page
