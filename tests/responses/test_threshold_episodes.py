"""A threshold crossed last term is not raised again on the first day of the next.

A rolling threshold has one event per episode, dated the day it was crossed; the
standings, the student page and the queue of the next term agree that nothing new
was reached there.
"""

from datetime import date

from stepwise.accounts.models import Membership
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.responses.selectors import threshold_queue
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import term_register
from stepwise.standings.services import school_evaluate, terms_evaluate

from .conftest import add_user, csv_bytes

ROSTER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)
REGISTER = "school_id,student_id,date,session,code"
SUMMER_END = date(2026, 7, 21)
AUTUMN_FIRST = date(2026, 9, 3)
AUTUMN_DAY = date(2026, 9, 8)


def weekdays(first: date, last: date) -> list[date]:
    return [
        date.fromordinal(d)
        for d in range(first.toordinal(), last.toordinal() + 1)
        if date.fromordinal(d).weekday() < 5
    ]


def test_an_absence_at_the_end_of_summer_is_not_a_new_threshold_on_the_first_day_of_autumn(
    client, db
):
    school = school_setup(code="ENG-7", name="Ash Academy", pack="england", today=AUTUMN_DAY)
    import_roster(
        csv_bytes(ROSTER, ["ENG-7,A123456789099,Amy,Lane,2014-01-01,7,2025-09-01,"]),
        file_name="roster.csv",
    )
    # An unauthorised week at the end of the summer term (10 sessions: the penalty-notice
    # threshold on Friday 17 July), then present every day of the autumn term so far.
    absent = weekdays(date(2026, 7, 13), date(2026, 7, 17))
    present = weekdays(date(2026, 7, 20), SUMMER_END) + weekdays(AUTUMN_FIRST, AUTUMN_DAY)
    import_register(
        csv_bytes(
            REGISTER,
            [f"ENG-7,A123456789099,{d},{s},O" for d in absent for s in ("AM", "PM")]
            + [f"ENG-7,A123456789099,{d},{s},/" for d in present for s in ("AM", "PM")],
        ),
        file_name="register.csv",
    )
    summer = school.terms.get(year=2025, number=3)
    autumn = school.terms.get(year=2026, number=1)
    terms_evaluate(terms=[summer], as_of=SUMMER_END)
    school_evaluate(school=school, as_of=AUTUMN_DAY)

    events = ThresholdEvent.objects.filter(
        term__school=school, threshold="penalty_notice", status="active"
    )
    assert [(e.term.key, e.reached_on) for e in events] == [("2025T3", date(2026, 7, 17))]
    # The autumn standings agree: the threshold is met now, but was not reached this term.
    standing = term_register(school, autumn, as_of=AUTUMN_DAY).rows()[0]
    assert standing["thresholds"]["penalty_notice"] is None
    assert standing["current"]["penalty_notice"] is True
    assert threshold_queue(school, autumn, AUTUMN_DAY) == []
    client.force_login(add_user("ash", school, Membership.Role.ATTENDANCE_OFFICER))
    html = client.get(
        "/schools/ENG-7/students/A123456789099/", {"term": autumn.key}
    ).content.decode()
    assert "Reached on Thursday 3 September 2026" not in html
    assert f"Amy has not reached a threshold in {autumn.name}." in html
