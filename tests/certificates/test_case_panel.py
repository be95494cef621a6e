"""The case page's certificate buttons: each one offered issues a certificate.

New Zealand's school year is the calendar year. Kōwhai College was added in 2026 with the
Ministry's terms for 2025, 2026 and 2027: during 2026 its previous school year is 2025, in
2027 it is 2026.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from stepwise.certificates.models import RegistrationCertificate

IN_2027 = datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland"))


def panel(case, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("certificates/_case_panel.html", {"case": case}, request=request)


def offered(html: str) -> list[tuple[str, str]]:
    """Return the (period, school) of every issue button in the panel."""
    return re.findall(
        r'name="period" value="([a-z_]+)">\s*<input type="hidden" name="school" value="([^"]+)"',
        html,
    )


def test_every_certificate_button_on_an_nz_case_issues_one(client, login, caseworker, case):
    html = panel(case, caseworker)
    # Aroha joined Kōwhai College in February 2026: 2025 is another school's to certify.
    assert offered(html) == [("this_year", "NZ-0427")]
    assert (
        "The whole of the previous school year: Aroha Ngata was not on Kōwhai College's roll "
        "between 3 February 2025 and 19 December 2025: ask the school they attended then."
    ) in html.replace("&#x27;", "'")
    login(caseworker)
    for period, code in offered(html):
        answer = client.post(f"/cases/{case.pk}/certificates/", {"period": period, "school": code})
        assert answer.status_code == 302, answer.content.decode()
    assert RegistrationCertificate.objects.filter(student=case.student).count() == 1


def test_a_year_before_the_child_joined_is_refused_naming_the_period(
    client, login, caseworker, case
):
    login(caseworker)
    answer = client.post(
        f"/cases/{case.pk}/certificates/", {"period": "last_year", "school": "NZ-0427"}
    )
    assert answer.status_code == 400
    assert "was not on Kōwhai College&#x27;s roll" in answer.content.decode()
    assert not RegistrationCertificate.objects.filter(student=case.student).exists()


def test_the_previous_calendar_year_is_offered_once_the_school_has_it(
    client, login, caseworker, case
):
    with time_machine.travel(IN_2027, tick=False):
        html = panel(case, caseworker)
        assert offered(html) == [("this_year", "NZ-0427"), ("last_year", "NZ-0427")]
        login(caseworker)
        response = client.post(
            f"/cases/{case.pk}/certificates/", {"period": "last_year", "school": "NZ-0427"}
        )
    assert response.status_code == 302, response.content.decode()
    kept = RegistrationCertificate.objects.get(student=case.student)
    assert (kept.first_day.isoformat(), kept.last_day.isoformat()) == ("2026-02-02", "2026-12-18")
