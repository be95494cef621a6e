"""A register imported without evaluation: every page that shows threshold events says
they are behind the register, until an evaluation brings them up to date."""

import re

import pytest

from stepwise.intake.services import register_take
from stepwise.standings.services import school_evaluate

from .conftest import TODAY, csv_bytes

STUDENT = "/schools/NZ-0427/students/100000001/?term=2026T4"
STANDINGS = "/schools/NZ-0427/terms/2026T4/"
QUEUE = "/schools/NZ-0427/queue/"
PAGES = [STUDENT, STANDINGS, QUEUE]
BEHIND = "the threshold events below do not count it yet"


def _whole_day_absent(student: str) -> bytes:
    rows = [f"NZ-0427,{student},{TODAY.isoformat()},{s},M" for s in ("AM", "PM")]
    return csv_bytes("school_id,student_id,date,session,code", rows)


@pytest.fixture
def evaluated(school):
    school_evaluate(school=school, as_of=TODAY)
    return school


@pytest.mark.parametrize("url", PAGES)
def test_a_page_says_its_threshold_events_are_behind_a_register_not_yet_evaluated(
    evaluated, officer_client, url
):
    assert BEHIND not in officer_client.get(url).content.decode()
    register_take(_whole_day_absent("100000004"), file_name="late.csv", evaluate=False)
    html = officer_client.get(url).content.decode()
    assert BEHIND in html
    assert "Term 4 2026" in html


@pytest.mark.parametrize("url", PAGES)
def test_evaluating_brings_every_page_up_to_date(evaluated, officer_client, url):
    register_take(_whole_day_absent("100000004"), file_name="late.csv", evaluate=False)
    school_evaluate(school=evaluated, as_of=TODAY)
    assert BEHIND not in officer_client.get(url).content.decode()


def test_an_import_that_evaluates_leaves_nothing_behind(evaluated, officer_client):
    register_take(_whole_day_absent("100000004"), file_name="late.csv")
    for url in PAGES:
        assert BEHIND not in officer_client.get(url).content.decode()


def test_the_student_page_never_contradicts_itself_after_an_import(school, officer_client):
    # The school's register was imported without evaluation: the reached date at the top
    # comes from the register, the events further down from the last evaluation.
    html = officer_client.get(STUDENT).content.decode()
    assert re.search(r"15 days absent this term</dt>\s*<dd [^>]*>\s*Reached on", html)
    assert "has not reached a threshold" not in html or BEHIND in html
    school_evaluate(school=school, as_of=TODAY)
    html = officer_client.get(STUDENT).content.decode()
    assert "has not reached a threshold" not in html
    assert BEHIND not in html
