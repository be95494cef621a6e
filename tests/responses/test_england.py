"""An English school gets the same queue and form, with its own pack's response types."""

from datetime import date

import pytest

from stepwise.accounts.models import Membership
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.responses.selectors import threshold_queue
from stepwise.standings.services import school_evaluate

from .conftest import TODAY, add_user, csv_bytes

ROSTER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)
REGISTER = "school_id,student_id,date,session,code"


def test_an_english_school_records_with_its_packs_types(client, db):
    school = school_setup(code="ENG-1", name="Oak Academy", pack="england", today=TODAY)
    import_roster(
        csv_bytes(
            ROSTER,
            ["ENG-1,A123456789012,Amy,Lane,2014-01-01,7,2026-09-01,"],
        ),
        file_name="eng-roster.csv",
    )
    client.force_login(add_user("eng", school, Membership.Role.ATTENDANCE_OFFICER))

    html = client.get("/schools/ENG-1/queue/").content.decode()
    assert '<h2 class="govuk-panel__title">All done</h2>' in html

    html = client.get("/schools/ENG-1/students/A123456789012/responses/new/").content.decode()
    assert ">Conversation with parents</label>" in html
    assert ">Phone call to parents</option>" in html
    assert "whānau" not in html


# (today, status) for a pupil who reached 10 unauthorised sessions on Friday 13 November:
# England's guidance, like New Zealand's, gives the school 48 hours from the end of that
# day, so the weekend uses them up; critical after 5 school days without a response.
@pytest.mark.parametrize("pack", ["england", "kent"])
@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 11, 13), "due"),
        (date(2026, 11, 15), "due"),  # Sunday: the 48 hours end at midnight
        (date(2026, 11, 16), "overdue"),  # Monday: a 72-hour deadline would still be due
        (date(2026, 11, 20), "overdue"),  # 5 school days waiting
        (date(2026, 11, 23), "critical"),  # 6 school days waiting
    ],
)
def test_an_english_response_is_due_within_48_hours_and_critical_after_5_school_days(
    db, pack, today, status
):
    school = school_setup(code="ENG-2", name="Oak Academy", pack=pack, today=TODAY)
    import_roster(
        csv_bytes(ROSTER, ["ENG-2,A123456789012,Amy,Lane,2014-01-01,7,2026-09-01,"]),
        file_name="eng-roster.csv",
    )
    week = [date(2026, 11, day) for day in range(9, 14)]  # Monday 9 to Friday 13 November
    import_register(
        csv_bytes(
            REGISTER,
            [f"ENG-2,A123456789012,{d},{s},O" for d in week for s in ("AM", "PM")],
        ),
        file_name="eng-register.csv",
    )
    school_evaluate(school=school, as_of=week[-1])
    term = school.terms.get(year=2026, number=1)

    (item,) = threshold_queue(school, term, today)
    assert (item.threshold.key, item.reached_on) == ("penalty_notice", date(2026, 11, 13))
    assert (item.due_by, item.status) == (date(2026, 11, 15), status)
