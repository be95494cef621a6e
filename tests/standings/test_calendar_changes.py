"""A school changes its own calendar: term dates within the allowed range, closure days.

Every change is audited with who made it and re-evaluates the term in the same step;
a day with marks already recorded is closed only once someone confirms the marks stay
on record, not counted.
"""

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.audit.models import AuditEvent
from stepwise.onboarding.organisations import school_setup
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import ClosureDay
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import school_evaluate
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes

WEEK = ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27")
# The Monday after the week whose Friday is closed: the whole week's marks are in.
MONDAY_AFTER = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def the_monday_after():
    with time_machine.travel(MONDAY_AFTER, tick=True):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def kent(db):
    school = school_setup(code="ENG-1013", name="Oakfield Primary", pack="kent", today=TODAY)
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "ENG-1013,K80000000001,Amelia,Test,2016-03-04,5,2026-09-01,",
            "ENG-1013,K80000000002,Oliver,Test,2016-05-04,5,2026-09-01,",
        ),
        file_name="roster.csv",
    )
    # Amelia present all week; Oliver O every session, his 10th on Friday afternoon.
    rows = [f"ENG-1013,K80000000001,{d},{s},{'/' if s == 'AM' else chr(92)}" for d in WEEK
            for s in ("AM", "PM")]  # fmt: skip
    rows += [f"ENG-1013,K80000000002,{d},{s},O" for d in WEEK for s in ("AM", "PM")]
    import_register(csv_bytes(REGISTER_HEADER, *rows), file_name="week.csv")
    school_evaluate(school=school, as_of=date(2026, 11, 27))
    return school


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("attendance.officer", password="x")


def figures(school_code: str) -> dict[str, dict]:
    rows = json.loads(
        run("standings", "--school", school_code, "--term", "2026T1", "--format", "json",
            "--as-of", "2026-11-27")
    )  # fmt: skip
    return {r["student_id"]: r for r in rows}


def test_closing_a_training_day_takes_it_out_of_every_pupils_figures_in_one_step(kent, officer):
    before = figures("ENG-1013")
    assert ThresholdEvent.objects.get(threshold="penalty_notice").status == "active"
    out = run(
        "calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27",
        "--reason", "Training day", "--keep-marks", "--by", "attendance.officer",
    )  # fmt: skip
    assert "closed on Friday 27 November 2026: Training day" in out
    after = figures("ENG-1013")
    for pupil in ("K80000000001", "K80000000002"):
        assert after[pupil]["possible"] == before[pupil]["possible"] - 2
    assert after["K80000000002"]["unjustified"] == before["K80000000002"]["unjustified"] - 2
    # Eight unauthorised sessions are under the penalty-notice threshold of ten.
    assert ThresholdEvent.objects.get(threshold="penalty_notice").status == "withdrawn"
    audit = AuditEvent.objects.get(object_type="calendar")
    assert (audit.username, audit.action, audit.object_id) == (
        "attendance.officer",
        "change",
        "ENG-1013",
    )
    assert "Closed 2026-11-27" in audit.detail and "Training day" in audit.detail


def test_closing_a_day_with_marks_is_refused_listing_them_until_confirmed(kent):
    with pytest.raises(CommandError) as refused:
        run("calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27",
            "--reason", "Training day")  # fmt: skip
    message = str(refused.value)
    assert message.startswith("--keep-marks: Friday 27 November 2026 already has 4 recorded marks")
    assert "K80000000002 AM O" in message
    assert not ClosureDay.objects.filter(date=date(2026, 11, 27)).exists()
    assert not AuditEvent.objects.filter(object_type="calendar").exists()


def test_reopening_a_closed_day_counts_it_again(kent):
    run("calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27",
        "--reason", "Snow", "--keep-marks")  # fmt: skip
    run("calendar", "reopen", "--school", "ENG-1013", "--date", "2026-11-27",
        "--reason", "Closed in error")  # fmt: skip
    assert figures("ENG-1013")["K80000000002"]["unjustified"] == 10
    assert ThresholdEvent.objects.filter(threshold="penalty_notice", status="active").count() == 1
    details = list(
        AuditEvent.objects.filter(object_type="calendar").values_list("detail", flat=True)
    )
    assert any(d.startswith("Reopened 2026-11-27 (was: Snow)") for d in details)


def test_closing_an_afternoon_takes_one_possible_session_from_every_pupil(kent, officer):
    before = figures("ENG-1013")
    out = run(
        "calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27", "--session", "PM",
        "--reason", "Staff training", "--keep-marks", "--by", "attendance.officer",
    )  # fmt: skip
    assert "closed on the afternoon of Friday 27 November 2026: Staff training" in out
    after = figures("ENG-1013")
    for pupil in ("K80000000001", "K80000000002"):
        assert after[pupil]["possible"] == before[pupil]["possible"] - 1
        assert after[pupil]["unmarked"] == before[pupil]["unmarked"]
    assert after["K80000000002"]["unjustified"] == 9
    assert after["K80000000001"]["present"] == before["K80000000001"]["present"] - 1
    # Nine unauthorised sessions are under the penalty-notice threshold of ten.
    assert ThresholdEvent.objects.get(threshold="penalty_notice").status == "withdrawn"
    audit = AuditEvent.objects.get(object_type="calendar")
    assert audit.username == "attendance.officer"
    assert audit.detail == (
        "Closed 2026-11-27 PM (2026T1): Staff training; 2 recorded marks kept, not counted"
    )
    shown = run("calendar", "--school", "ENG-1013", "--year", "2026")
    assert "    closed 2026-11-27 Fri PM: Staff training" in shown


def test_closing_an_afternoon_with_marks_lists_only_the_afternoons_marks(kent):
    with pytest.raises(CommandError) as refused:
        run("calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27",
            "--session", "PM", "--reason", "Staff training")  # fmt: skip
    message = str(refused.value)
    assert message.startswith(
        "--keep-marks: The afternoon of Friday 27 November 2026 already has 2 recorded marks"
    )
    assert "K80000000002 PM O" in message and " AM " not in message
    assert not ClosureDay.objects.filter(date=date(2026, 11, 27)).exists()


def test_closing_both_halves_closes_the_day_and_reopening_one_keeps_the_other(kent):
    before = figures("ENG-1013")["K80000000002"]["possible"]
    for session in ("AM", "PM"):
        run("calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27",
            "--session", session, "--reason", "Snow", "--keep-marks")  # fmt: skip
    assert list(
        ClosureDay.objects.filter(date=date(2026, 11, 27)).values_list("session", "reason")
    ) == [("", "Snow")]
    assert figures("ENG-1013")["K80000000002"]["possible"] == before - 2
    run("calendar", "reopen", "--school", "ENG-1013", "--date", "2026-11-27",
        "--session", "AM", "--reason", "Roads cleared")  # fmt: skip
    assert list(
        ClosureDay.objects.filter(date=date(2026, 11, 27)).values_list("session", "reason")
    ) == [("PM", "Snow")]
    assert figures("ENG-1013")["K80000000002"]["possible"] == before - 1
    no_closure = "--date: Oakfield Primary has no closure on the morning"
    with pytest.raises(CommandError, match=no_closure):
        run("calendar", "reopen", "--school", "ENG-1013", "--date", "2026-11-27",
            "--session", "AM", "--reason", "Again")  # fmt: skip
    with pytest.raises(CommandError, match="already closed on the afternoon of Friday"):
        run("calendar", "close", "--school", "ENG-1013", "--date", "2026-11-27",
            "--session", "PM", "--reason", "Again", "--keep-marks")  # fmt: skip


def test_a_kent_school_sets_its_own_term_dates_but_not_over_another_term(kent):
    out = run("calendar", "set-term", "--school", "ENG-1013", "--term", "2026T2",
              "--start", "2027-01-05", "--end", "2027-03-26")  # fmt: skip
    assert "now runs from 5 January 2027 to 26 March 2027" in out
    with pytest.raises(CommandError, match="overlaps Autumn 2026"):
        run("calendar", "set-term", "--school", "ENG-1013", "--term", "2026T2",
            "--start", "2026-12-14", "--end", "2027-03-26")  # fmt: skip


def test_moving_a_term_start_keeps_every_mark_on_its_day(kent):
    run("calendar", "set-term", "--school", "ENG-1013", "--term", "2026T1",
        "--start", "2026-09-03", "--end", "2026-12-18")  # fmt: skip
    after = figures("ENG-1013")
    assert after["K80000000002"]["unjustified"] == 10
    assert after["K80000000001"]["present"] == 10


@pytest.fixture
def nz(db):
    return school_setup(code="NZ-C", name="Kauri Test School", pack="nz", today=TODAY)


def test_a_new_zealand_school_starts_term_1_within_the_ministrys_range(nz):
    run("calendar", "set-term", "--school", "NZ-C", "--term", "2026T1",
        "--start", "2026-01-27", "--end", "2026-04-02")  # fmt: skip
    assert nz.terms.get(year=2026, number=1).start == date(2026, 1, 27)
    with pytest.raises(CommandError, match="between 26 January 2026 and 7 February 2026"):
        run("calendar", "set-term", "--school", "NZ-C", "--term", "2026T1",
            "--start", "2026-01-19", "--end", "2026-04-02")  # fmt: skip


def test_a_new_zealand_school_cannot_move_a_fixed_term_date(nz):
    with pytest.raises(CommandError, match="--start: Term 2 2026 starts on 20 April 2026"):
        run("calendar", "set-term", "--school", "NZ-C", "--term", "2026T2",
            "--start", "2026-04-27", "--end", "2026-07-03")  # fmt: skip
    with pytest.raises(CommandError, match=r"between .* and 20 December 2026"):
        run("calendar", "set-term", "--school", "NZ-C", "--term", "2026T4",
            "--start", "2026-10-12", "--end", "2026-12-22")  # fmt: skip
