"""The demo looks like schools at work: most thresholds answered in time, a few late, a
handful still waiting, and only the latest ones new to the officer this morning."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from stepwise.certificates.models import RegistrationCertificate
from stepwise.certificates.selectors import year_periods
from stepwise.dashboard.selectors import response_coverage
from stepwise.demo.snapshot import AS_OF
from stepwise.responses.selectors import threshold_queue
from stepwise.schools.models import School
from stepwise.schools.zones import school_zone
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import current_term


@pytest.mark.parametrize("code", ["NZ-0427", "ENG-1013"])
def test_most_of_the_terms_thresholds_were_answered_in_time(demo, db, code):
    school = School.objects.get(code=code)
    term = current_term(school, AS_OF)
    now = datetime.combine(AS_OF, time(16), tzinfo=school_zone(school))
    *_, total = response_coverage(term, school.rules, now=now)
    assert total.events >= 20
    assert total.on_time / total.events >= 0.7, (total.on_time, total.events)
    assert 0 < total.late < total.on_time
    waiting = threshold_queue(school, term, AS_OF)
    assert 0 < len(waiting) <= total.events * 0.15, (len(waiting), total.events)


@pytest.mark.parametrize("code", ["NZ-0427", "ENG-1013"])
def test_each_threshold_was_found_the_morning_after_it_was_reached(demo, db, code):
    zone = school_zone(School.objects.get(code=code))
    today = timezone.localdate(timezone=zone)
    events = ThresholdEvent.objects.filter(term__school__code=code)
    assert events.exists()
    for event in events:
        found_on = timezone.localtime(event.detected_at, zone).date()
        assert found_on == min(event.reached_on + timedelta(days=1), today)


@pytest.mark.parametrize("code", ["NZ-0427", "ENG-1013"])
def test_the_worked_case_has_a_certificate_for_each_year_its_child_was_on_roll(demo, db, code):
    school = School.objects.get(code=code)
    issued = RegistrationCertificate.objects.filter(school=school)
    (student,) = {c.student for c in issued}
    _, (_, last_year_ends) = year_periods(school, AS_OF)
    on_roll_last_year = student.enrolments.filter(enrolled_from__lte=last_year_ends).exists()
    expected = {"last_year", "this_year"} if on_roll_last_year else {"this_year"}
    assert set(issued.values_list("period", flat=True)) == expected
