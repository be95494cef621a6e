"""The standings page keeps its evaluated rows until the register changes.

It is the page every officer opens first, so a second view reads the rows from the
shared cache instead of running the engine again; an import (of marks or of the
roster) changes the register's version, and the next view shows the new figures.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster

from .conftest import csv_bytes

URL = "/schools/NZ-0427/terms/2026T4/"


def queries_of(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL).content.decode()
    return len(queries), html


def test_a_second_view_reads_the_rows_without_evaluating_the_register_again(officer_client):
    first, html = queries_of(officer_client)
    second, again = queries_of(officer_client)
    assert second < first
    assert again.count("100.0%") == html.count("100.0%") == 1  # Sam Lee, never absent


def test_an_import_of_marks_shows_at_once(officer_client):
    _, html = queries_of(officer_client)
    assert "100.0%" in html
    import_register(
        csv_bytes(
            "school_id,student_id,date,session,code",
            [f"NZ-0427,100000004,2026-11-{d},{s},T" for d in (19, 20) for s in ("AM", "PM")],
        ),
        file_name="amended-register.csv",
    )
    _, html = queries_of(officer_client)
    assert "100.0%" not in html  # Sam Lee's two days away count now


def test_a_roster_import_renames_a_student_at_once(officer_client):
    _, html = queries_of(officer_client)
    assert "Lee, Sam<" in html
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,"
            "enrolled_to",
            ["NZ-0427,100000004,Samuel,Lee,2011-03-04,9,2026-02-02,"],
        ),
        file_name="roster-again.csv",
    )
    _, html = queries_of(officer_client)
    assert "Lee, Samuel<" in html and "Lee, Sam<" not in html
