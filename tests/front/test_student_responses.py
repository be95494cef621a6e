"""The student page lists each threshold reached this term with what the school did about it."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from stepwise.responses.models import ResponseActivity
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import school_evaluate

from .conftest import TODAY

URL = "/schools/NZ-0427/students/100000001/?term=2026T4"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def events(school, students):
    """Aroha's threshold events: 5, 10 and 15 days absent this term, by key."""
    school_evaluate(school=school, as_of=TODAY)
    return {e.threshold: e for e in ThresholdEvent.objects.filter(student=students["Aroha"])}


def _respond(school, student, officer, *, event=None, happened_on, recorded_on, **fields):
    defaults = {
        "response_type": "conversation",
        "description_text": "Phone call",
        "done_by": "Ms Officer",
        "notes": "PRIVATE NOTE about the family",
    }
    return ResponseActivity.objects.create(
        school=school,
        student=student,
        threshold_event=event,
        happened_on=happened_on,
        recorded_by=officer,
        recorded_at=_at(recorded_on),
        **{**defaults, **fields},
    )


def test_each_threshold_shows_when_it_was_reached(officer_client, events):
    html = officer_client.get(URL).content.decode()
    assert "Thresholds reached and responses" in html
    for label, day in (
        ("5 days absent this term", "2026-10-16"),
        ("10 days absent this term", "2026-10-23"),
        ("15 days absent this term", "2026-11-02"),
    ):
        assert f'<h3 class="govuk-heading-s">{label}</h3>' in html
        assert f'Reached on <time datetime="{day}">' in html
    assert html.count("No response recorded for this threshold.") == 3


def test_responses_show_under_their_threshold(officer_client, officer, school, students, events):
    aroha = students["Aroha"]
    _respond(
        school,
        aroha,
        officer,
        event=events["amp5"],
        happened_on=date(2026, 10, 19),
        recorded_on=date(2026, 10, 20),
        response_type="written_communication",
        description_text="Letter home",
    )
    # Recorded four days after it happened: later than 48 hours.
    _respond(
        school,
        aroha,
        officer,
        event=events["amp10"],
        happened_on=date(2026, 10, 26),
        recorded_on=date(2026, 10, 30),
    )
    # Not tied to a threshold, but in the term.
    _respond(school, aroha, officer, happened_on=date(2026, 11, 4), recorded_on=date(2026, 11, 4))
    html = officer_client.get(URL).content.decode()
    assert html.count("No response recorded for this threshold.") == 1  # only 15 days
    assert "Sent written communication" in html  # the pack's label, not the key
    assert "Letter home" in html
    assert '<time datetime="2026-10-19">19 October 2026</time>' in html
    assert "Conversation with whānau" in html
    assert "Recorded within 48 hours" in html
    assert '<strong class="govuk-tag govuk-tag--orange">No</strong>' in html
    assert "Other responses in Term 4 2026" in html
    assert '<time datetime="2026-11-04">4 November 2026</time>' in html
    assert "PRIVATE NOTE" not in html


def test_a_withdrawn_threshold_says_so(officer_client, events):
    ThresholdEvent.objects.filter(pk=events["amp15"].pk).update(
        status=ThresholdEvent.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    html = officer_client.get(URL).content.decode()
    assert '<strong class="govuk-tag govuk-tag--grey">Withdrawn</strong>' in html
    assert "An amended register took Aroha back under this threshold." in html
    assert html.count('<strong class="govuk-tag govuk-tag--blue">Active</strong>') == 2


def test_another_terms_responses_stay_with_that_term(officer_client, officer, school, students):
    _respond(
        school,
        students["Aroha"],
        officer,
        happened_on=date(2026, 8, 3),
        recorded_on=date(2026, 8, 3) + timedelta(days=1),
        description_text="Term 3 call",
    )
    assert "Term 3 call" not in officer_client.get(URL).content.decode()
    html = officer_client.get("/schools/NZ-0427/students/100000001/?term=2026T3").content.decode()
    assert "Term 3 call" in html
    assert "Aroha has not reached a threshold in Term 3 2026." in html
