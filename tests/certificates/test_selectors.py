"""What the referral checklist and the bundle read: periods, and a student's certificates."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepwise.certificates.selectors import certificates_for_student, year_periods
from stepwise.certificates.services import certificate_issue
from stepwise.intake.services import register_take
from tests.cases.conftest import at
from tests.front.conftest import TODAY

from .conftest import register_file

# Each case: (school fixture, today, this year to date, the whole previous year).
PERIODS = [
    ("kent_school", date(2026, 11, 20),
     (date(2026, 9, 1), date(2026, 11, 20)), (date(2025, 9, 1), date(2026, 7, 21))),
    ("kent_school", date(2026, 8, 10), None, (date(2025, 9, 1), date(2026, 7, 21))),
    ("school", date(2026, 11, 20), (date(2026, 2, 2), date(2026, 11, 20)),
     (date(2025, 2, 3), date(2025, 12, 19))),
    ("school", date(2026, 12, 25), (date(2026, 2, 2), date(2026, 12, 18)),
     (date(2025, 2, 3), date(2025, 12, 19))),
]  # fmt: skip


def test_year_periods_follow_each_countrys_school_year(request):
    for fixture, today, this_year, last_year in PERIODS:
        school = request.getfixturevalue(fixture)
        assert year_periods(school, today) == (this_year, last_year), (fixture, today)


def test_a_students_certificates_are_listed_newest_first_with_their_flags(school, aroha, officer):
    first = certificate_issue(
        school=school, student=aroha, period="this_year", by=officer,
        issued_for=school.organisation, now=at(TODAY, 9),
    )  # fmt: skip
    register_take(
        register_file("NZ-0427", [("100000001", "2026-11-20", "PM", "P")]), file_name="fix.csv"
    )
    second = certificate_issue(
        school=school, student=aroha, period="this_year", by=officer,
        issued_for=school.organisation, now=at(TODAY, 15),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        found = [(c, c.changed_since_issue, c.unresolved) for c in certificates_for_student(aroha)]
    assert found == [(second, False, 0), (first, True, 0)]
    assert len(queries) == 1
