"""The queue page comes from a cache, and never shows what has since changed.

Each test opens the queue once (filling the cache), changes something the way the
app does, and opens it again: the change shows at once.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from stepwise.intake.services import register_take
from stepwise.register.importers.roster import import_roster
from stepwise.responses.services import description_rename, description_retire, response_record
from stepwise.standings.models import ThresholdEvent

from .conftest import TERM_DAYS, TODAY, csv_bytes

URL = "/schools/NZ-0427/queue/"
ROSTER_HEADER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)
REGISTER_HEADER = "school_id,student_id,date,session,code"


# The student's name (and, after it, their id), then the threshold's label.
ROW = re.compile(
    r">([^<>]+), ([^<>]+)</a>(?: <span[^>]*>[^<]*</span>)?</th>\s*"
    r'<td class="govuk-table__cell">([^<]+)</td>'
)


def _names(client, **params) -> list[str]:
    """Return "given-name threshold-key" for each row of the queue table, in order."""
    response = client.get(URL, params)
    assert response.status_code == 200
    keys = {t.label: t.key for t in response.context["pack"].thresholds}
    html = response.content.decode()
    return [f"{given} {keys[label]}" for _family, given, label in ROW.findall(html)]


WAITING = ["Ben amp5", "Aroha amp5", "Aroha amp10", "Aroha amp15", "Mere amp5", "Sam amp5"]


def test_a_response_recorded_shows_at_once(leader_client, school, events, students, officer):
    assert _names(leader_client) == [*WAITING, "Tui amp5"]
    response_record(
        school=school,
        student=students["Tui"],
        threshold_event=events["Tui", "amp5"],
        response_type="monitor",
        description=None,
        happened_on=TODAY,
        done_by="Hana Smith",
        notes="",
        recorded_by=officer,
        now=datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Pacific/Auckland")),
    )
    assert _names(leader_client) == WAITING
    assert "6 waiting for a response." in leader_client.get(URL).content.decode()


def test_a_bulk_record_from_the_queue_shows_at_once(officer_client, school, events):
    from .test_bulk import post_data

    assert len(_names(officer_client)) == 7
    officer_client.post(URL, post_data(school, events))
    assert _names(officer_client) == ["Ben amp5", "Aroha amp5", "Aroha amp10", "Aroha amp15"]


def test_a_filtered_page_shows_a_response_at_once(leader_client, school, events, students, officer):
    assert _names(leader_client, status="due") == ["Sam amp5", "Tui amp5"]
    response_record(
        school=school,
        student=students["Sam"],
        threshold_event=events["Sam", "amp5"],
        response_type="monitor",
        description=None,
        happened_on=TODAY,
        done_by="Hana Smith",
        notes="",
        recorded_by=officer,
        now=datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Pacific/Auckland")),
    )
    assert _names(leader_client, status="due") == ["Tui amp5"]


def test_a_new_import_shows_at_once(leader_client, school):
    assert "Wiremu" not in " ".join(_names(leader_client))
    # Wiremu turns out to have missed the first five days of term.
    rows = [
        f"NZ-0427,100000006,{day.isoformat()},{session},T"
        for day in TERM_DAYS[:5]
        for session in ("AM", "PM")
    ]
    register_take(csv_bytes(REGISTER_HEADER, rows), file_name="fix.csv")
    assert _names(leader_client)[:3] == ["Ben amp5", "Aroha amp5", "Wiremu amp5"]


def test_a_corrected_register_withdraws_at_once(leader_client, school):
    assert "Tui amp5" in _names(leader_client)
    # Tui was at school on Monday after all: four days, under the threshold again.
    rows = [f"NZ-0427,100000005,2026-11-16,{session},P" for session in ("AM", "PM")]
    register_take(csv_bytes(REGISTER_HEADER, rows), file_name="fix.csv")
    assert "Tui amp5" not in _names(leader_client)


def test_a_withdrawn_event_leaves_the_page_at_once(leader_client, school, events):
    assert "Tui amp5" in _names(leader_client)
    ThresholdEvent.objects.filter(pk=events["Tui", "amp5"].pk).update(
        status=ThresholdEvent.Status.WITHDRAWN,
        withdrawn_at=datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Pacific/Auckland")),
    )
    assert "Tui amp5" not in _names(leader_client)


def test_a_new_name_from_the_roster_shows_at_once(leader_client, school):
    assert "Cooper, Ben" in leader_client.get(URL).content.decode()
    import_roster(
        csv_bytes(ROSTER_HEADER, ["NZ-0427,100000002,Benjamin,Cooper,2011-03-04,10,2026-02-02,"]),
        file_name="roster-fix.csv",
    )
    html = leader_client.get(URL).content.decode()
    assert "Cooper, Benjamin" in html
    assert "Cooper, Ben<" not in html


def test_the_next_day_moves_the_deadlines(leader_client, school, monkeypatch):
    html = leader_client.get(URL, {"status": "due"}).content.decode()
    assert "Showing 2 of 7 waiting." in html
    # Saturday 21 November: Sam's 48 hours (from Wednesday) have passed; Tui's have not.
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    monkeypatch.setattr("stepwise.responses.views._now", lambda: saturday)
    html = leader_client.get(URL, {"status": "due"}).content.decode()
    assert "Showing 1 of 7 waiting." in html
    assert "Parata, Tui" in html


def test_a_renamed_or_retired_description_shows_at_once_in_the_bulk_form(officer_client, school):
    notification = school.descriptions.get(text="Sent notification to whānau")
    letter = school.descriptions.exclude(pk=notification.pk).filter(
        response_type=notification.response_type
    )[0]
    html = officer_client.get(URL).content.decode()
    assert f'<option value="{notification.pk}">Sent notification to whānau</option>' in html
    assert f'<option value="{letter.pk}">' in html
    description_rename(description=notification, text="Sent a text message to whānau")
    description_retire(description=letter)
    html = officer_client.get(URL).content.decode()
    assert f'<option value="{notification.pk}">Sent a text message to whānau</option>' in html
    assert f'<option value="{letter.pk}">' not in html
