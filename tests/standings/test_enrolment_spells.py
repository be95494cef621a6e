"""A child who leaves and comes back has two spells of enrolment, and only their days count.

The figures are worked by hand. Term 4 of 2026 at a New Zealand school runs from
Monday 12 October; Monday 26 October is Labour Day. The child is enrolled from 12 to
23 October (10 school days), leaves, and is enrolled again from Monday 9 November.
Counted up to Friday 20 November, the second spell has 10 school days too: 20 days,
40 possible half-days. They are absent (T) all day on 14 October and on 15 October
and on 18 November: 6 absent half-days, 34 present, 85.0%. The 9 school days
between the spells (26 October is a holiday) are no enrolment's: no possible
session and nothing waiting for a mark.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from stepwise.accounts.models import Membership
from stepwise.register.importers import ImportRejected
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import Enrolment
from stepwise.standings.selectors import term_register
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes

CHILD = "300000001"
SPELLS = (
    f"NZ-1,{CHILD},Rawiri,Spells,2012-02-02,9,2026-10-12,2026-10-23",
    f"NZ-1,{CHILD},Rawiri,Spells,2012-02-02,9,2026-11-09,",
)
ABSENT = {date(2026, 10, 14), date(2026, 10, 15), date(2026, 11, 18)}
ON_ROLL_DAYS = (date(2026, 10, 23), date(2026, 11, 2), date(2026, 11, 9))


def school_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day != date(2026, 10, 26):  # Labour Day
            days.append(day)
        day += timedelta(days=1)
    return days


def marks() -> bytes:
    days = school_days(date(2026, 10, 12), date(2026, 10, 23))
    days += school_days(date(2026, 11, 9), TODAY)
    return csv_bytes(
        REGISTER_HEADER,
        *(
            f"NZ-1,{CHILD},{d.isoformat()},{session},{'T' if d in ABSENT else 'P'}"
            for d in days
            for session in ("AM", "PM")
        ),
    )


@pytest.fixture
def returner(nz_school):
    import_roster(csv_bytes(ROSTER_HEADER, *SPELLS), file_name="roster.csv")
    import_register(marks(), file_name="register.csv")
    return nz_school


def standing(school):
    term = school.terms.get(start=date(2026, 10, 12))
    register = term_register(school, term, as_of=TODAY)
    i = [s.national_id for s in register.students].index(CHILD)
    return register, register.standings.row(i)


def test_a_child_with_two_spells_counts_only_the_days_of_each(returner):
    register, row = standing(returner)
    assert (row["possible"], row["present"], row["absent"], row["unmarked"]) == (40, 34, 6, 0)
    assert row["attendance_percent"] == 85.0
    assert [s.national_id for s in register.students].count(CHILD) == 1
    info = next(s for s in register.students if s.national_id == CHILD)
    assert info.spells == ((date(2026, 10, 12), date(2026, 10, 23)), (date(2026, 11, 9), None))
    # The school dashboard's weekly tiers count a child only on a day a spell covers.
    i = [s.national_id for s in register.students].index(CHILD)
    assert [bool(register.on_roll(d)[i]) for d in ON_ROLL_DAYS] == [True, False, True]


def test_the_student_page_shows_the_same_figures(returner, client):
    user = get_user_model().objects.create_user("officer", password="x" * 20)
    Membership.objects.create(
        user=user, organisation=returner.organisation, role=Membership.Role.ATTENDANCE_OFFICER
    )
    client.force_login(user)
    html = client.get(f"/schools/NZ-1/students/{CHILD}/?term=2026T4").content.decode()
    assert "85.0%" in html
    assert "40 half-days" in html
    assert (
        "Enrolled from 12 October 2026 to 23 October 2026 and from 9 November 2026."
    ) in " ".join(html.split())


def test_a_mark_between_the_spells_is_refused(returner):
    with pytest.raises(ImportRejected) as rejected:
        import_register(
            csv_bytes(REGISTER_HEADER, f"NZ-1,{CHILD},2026-11-02,AM,P"), file_name="gap.csv"
        )
    assert f"{CHILD} was not enrolled at NZ-1 on 2026-11-02" in str(rejected.value)


def test_marks_left_outside_a_spell_do_not_count(returner):
    # The school ends the first spell a week early after its marks were imported: the
    # marks of the days it no longer covers stay in the register but count for nothing.
    Enrolment.objects.filter(enrolled_from=date(2026, 10, 12)).update(
        enrolled_to=date(2026, 10, 16)
    )
    _, row = standing(returner)
    # 5 + 10 school days: 30 possible half-days, 6 absent.
    assert (row["possible"], row["absent"], row["unmarked"]) == (30, 6, 0)


def test_a_roster_push_that_reopens_a_spell_adds_one(nz_school):
    import_roster(csv_bytes(ROSTER_HEADER, SPELLS[0]), file_name="left.csv")
    result = import_roster(csv_bytes(ROSTER_HEADER, *SPELLS), file_name="back.csv")
    assert result.detail == {"enrolments added": 1}
    spells = Enrolment.objects.filter(student__national_id=CHILD).order_by("enrolled_from")
    assert [(e.enrolled_from, e.enrolled_to) for e in spells] == [
        (date(2026, 10, 12), date(2026, 10, 23)),
        (date(2026, 11, 9), None),
    ]
    # Sending the same roster again changes nothing.
    again = import_roster(csv_bytes(ROSTER_HEADER, *SPELLS), file_name="again.csv")
    assert again.detail == {}


def test_a_row_that_would_join_two_spells_is_refused_naming_them(returner):
    both = f"NZ-1,{CHILD},Rawiri,Spells,2012-02-02,9,2026-10-12,"
    with pytest.raises(ImportRejected) as rejected:
        import_roster(csv_bytes(ROSTER_HEADER, both), file_name="joined.csv")
    assert (
        f"line 2, column enrolled_from: {CHILD}'s enrolment from 2026-10-12 with no end "
        "overlaps 2 spells NZ-1 holds (from 2026-10-12 to 2026-10-23 and from 2026-11-09 "
        "with no end): end or correct one of them first"
    ) in str(rejected.value)
    assert Enrolment.objects.filter(student__national_id=CHILD).count() == 2


def test_a_row_overlapping_one_spell_corrects_it(returner):
    import_roster(
        csv_bytes(ROSTER_HEADER, f"NZ-1,{CHILD},Rawiri,Spells,2012-02-02,9,2026-11-09,2026-11-27"),
        file_name="leaving.csv",
    )
    spells = Enrolment.objects.filter(student__national_id=CHILD).order_by("enrolled_from")
    assert [e.enrolled_to for e in spells] == [date(2026, 10, 23), date(2026, 11, 27)]
