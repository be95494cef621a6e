"""Each organisation lives in its own time zone, from its rule pack unless set.

The suite's clock is Tuesday 24 November 2026, 10:00 in Auckland: still Monday 23
November, 21:00, in London. A Kent school's "today" is London's.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from stepwise.accounts.models import Membership
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.services import school_add
from stepwise.schools.zones import OrganisationTimeZoneMiddleware, school_today, zone_name
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes


@pytest.fixture
def kent(db):
    school = school_add(code="KENT-Z", name="Kent Zone Primary", pack="kent", today=TODAY)
    import_roster(
        csv_bytes(ROSTER_HEADER, "KENT-Z,K80000000009,Amelia,Test,2016-03-04,5,2026-09-01,"),
        file_name="roster.csv",
    )
    return school


def test_a_kent_schools_today_is_londons_not_aucklands(kent, nz_school):
    assert school_today(kent) == date(2026, 11, 23)
    assert school_today(nz_school) == date(2026, 11, 24)
    assert zone_name(kent.organisation) == "Europe/London"
    assert zone_name(nz_school.organisation) == "Pacific/Auckland"


def test_a_kent_register_for_londons_tomorrow_is_refused_as_in_the_future(kent):
    with pytest.raises(ImportRejected, match="2026-11-24 is in the future"):
        import_register(
            csv_bytes(REGISTER_HEADER, "KENT-Z,K80000000009,2026-11-24,AM,/"), file_name="t.csv"
        )
    import_register(
        csv_bytes(REGISTER_HEADER, "KENT-Z,K80000000009,2026-11-23,AM,/"), file_name="t.csv"
    )


def test_a_chatham_islands_school_sets_its_own_zone(nz_school):
    nz_school.organisation.time_zone = "Pacific/Chatham"
    nz_school.organisation.save()
    assert zone_name(nz_school.organisation) == "Pacific/Chatham"


def test_a_kent_officers_pages_run_in_london_time(kent):
    officer = get_user_model().objects.create_user("kent.officer", password="x")
    Membership.objects.create(
        user=officer, organisation=kent.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )
    seen = {}

    def page(request):
        seen["zone"], seen["today"] = timezone.get_current_timezone_name(), timezone.localdate()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = officer
    OrganisationTimeZoneMiddleware(page)(request)
    assert seen == {"zone": "Europe/London", "today": date(2026, 11, 23)}
