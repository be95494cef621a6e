"""The case page reads what it shows once, and nothing for what it loads later.

Aroha's case (an accepted referral) has her Stepwise student record, so its page
shows the certificates panel; the referral checklist loads after the page.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _tables_read(client, case) -> tuple[list[str], str]:
    """Return the tables the case page reads, and the page."""
    with CaptureQueriesContext(connection) as reads:
        response = client.get(reverse("case", args=[case.pk]))
    assert response.status_code == 200
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in reads if " FROM " in q["sql"]]
    return tables, response.content.decode()


def test_the_certificates_panel_reads_the_student_with_the_case(login, caseworker, case):
    assert case.student_id is not None
    tables, html = _tables_read(login(caseworker), case)
    assert '"schools_student"' not in tables
    assert tables.count('"cases_case"') == 1
    # The panel is there, offering the student's certificates.
    assert "Registration certificates" in html
    assert reverse("case_certificates", args=[case.pk]) in html


def test_the_referral_checklist_is_not_read_by_the_case_page(login, caseworker, case):
    tables, html = _tables_read(login(caseworker), case)
    assert not [t for t in tables if t.startswith('"readiness_')]
    assert not [t for t in tables if t.startswith('"letters_')]
    # The page reads the case and its log, and asks for the checklist once it has loaded.
    assert '"cases_case"' in tables and '"cases_logentry"' in tables
    assert f'hx-get="{reverse("case_readiness", args=[case.pk])}" hx-trigger="load"' in html
