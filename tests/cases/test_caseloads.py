"""Caseloads: my cases, the team's, filters, reassignment, and the transferred-cases review."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stepwise.cases.models import Case
from stepwise.cases.services import case_open, case_school_add, log_entry_record
from stepwise.cases.views import CASES_PER_PAGE

from .conftest import OPENED, at


def open_case(service, by, name: str, assign_to=None, reason="chronic_absence", school=""):
    given, family = name.split()
    return case_open(
        service=service,
        by=by,
        reason=reason,
        given_name=given,
        family_name=family,
        birth_date=date(2014, 1, 1),
        assign_to=assign_to,
        school_name=school,
        today=OPENED,
    )


def caseload(client, service, **query):
    return client.get(reverse("cases", args=[service.pk]), query).content.decode()


def test_my_cases_and_the_teams(login, service, manager, caseworker):
    open_case(service, manager, "Mine Only", assign_to=caseworker)
    open_case(service, manager, "Someone Else", assign_to=manager)
    client = login(caseworker)
    mine = caseload(client, service)
    assert "Mine Only" in mine and "Someone Else" not in mine
    team = caseload(client, service, view="team")
    assert "Mine Only" in team and "Someone Else" in team


def test_filters_by_status_reason_school_and_silence(login, service, manager, caseworker):
    quiet = open_case(service, manager, "Quiet Case", assign_to=caseworker, school="Tōtara School")
    busy = open_case(service, manager, "Busy Case", assign_to=caseworker, reason="not_enrolled")
    log_entry_record(
        case=busy,
        by=caseworker,
        kind="phone",
        outcome="engaged",
        happened_at=timezone.now() - timedelta(days=1),
    )
    log_entry_record(
        case=quiet,
        by=caseworker,
        kind="phone",
        outcome="no_answer",
        happened_at=timezone.now() - timedelta(days=20),
    )
    client = login(caseworker)
    silent = caseload(client, service, no_contact="1")
    assert "Quiet Case" in silent and "Busy Case" not in silent
    assert "No contact in 14 days" in silent
    assert "Busy Case" not in caseload(client, service, reason="chronic_absence")
    assert "Quiet Case" not in caseload(client, service, reason="not_enrolled")
    assert "Busy Case" not in caseload(client, service, school="Tōtara School")
    busy.status = Case.Status.ON_HOLD
    busy.save()
    on_hold = caseload(client, service, status="on_hold")
    assert "Busy Case" in on_hold and "Quiet Case" not in on_hold


def test_closed_cases_leave_the_caseload_and_need_a_reason(login, service, manager, caseworker):
    case = open_case(service, manager, "Closing Case", assign_to=caseworker)
    client = login(caseworker)
    url = reverse("case_status", args=[case.pk])
    response = client.post(url, {"status": "closed"})
    assert (
        response.status_code == 400 and "Select why the case is closed" in response.content.decode()
    )
    client.post(url, {"status": "closed", "closed_reason": "re_enrolled"})
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_reason == "re_enrolled" and case.closed_on
    assert "Closing Case" not in caseload(client, service)
    assert "Closing Case" in caseload(client, service, status="closed")


def test_a_manager_sees_caseloads_and_reassigns(login, service, manager, caseworker):
    case = open_case(service, manager, "Moving Case", assign_to=manager)
    client = login(manager)
    page = caseload(client, service, view="team")
    assert 'id="caseloads"' in page and "Manager Person" in page
    response = client.post(reverse("case_assign", args=[case.pk]), {"assign_to": caseworker.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == caseworker


def test_a_caseworker_may_not_reassign(login, service, manager, caseworker):
    case = open_case(service, manager, "Staying Case", assign_to=manager)
    response = login(caseworker).post(
        reverse("case_assign", args=[case.pk]), {"assign_to": caseworker.pk}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assigned_to == manager
    assert 'id="caseloads"' not in caseload(login(caseworker), service, view="team")


def test_a_service_opens_a_case_for_a_child_not_enrolled_anywhere(login, service, caseworker):
    client = login(caseworker)
    response = client.post(
        reverse("case_new", args=[service.pk]),
        {
            "reason": "not_enrolled",
            "given_name": "Kiri",
            "family_name": "Tane",
            "birth_date": "2015-02-03",
            "assign_to": caseworker.pk,
        },
    )
    case = Case.objects.get()
    assert response.url == reverse("case", args=[case.pk])
    assert case.origin == "direct" and case.people.get().full_name == "Kiri Tane"
    bad = client.post(reverse("case_new", args=[service.pk]), {"reason": "not_enrolled"})
    assert bad.status_code == 400 and "Enter the child&#x27;s given name" in bad.content.decode()
    assert Case.objects.count() == 1


def test_the_last_contact_is_the_latest_attempt_not_the_latest_recorded(
    service, manager, caseworker
):
    case = open_case(service, manager, "Late Record", assign_to=caseworker)
    recent = at(date(2026, 11, 19))
    log_entry_record(case=case, by=caseworker, kind="phone", outcome="engaged", happened_at=recent)
    log_entry_record(
        case=case,
        by=caseworker,
        kind="phone",
        outcome="no_answer",
        happened_at=recent - timedelta(days=10),
    )
    case.refresh_from_db()
    assert case.last_contact_at == recent


def test_a_new_school_joins_the_filter_at_once(login, service, manager, caseworker):
    client = login(caseworker)
    open_case(service, manager, "First Case", assign_to=caseworker, school="Tōtara School")
    assert "Rimu School" not in caseload(client, service)
    open_case(service, manager, "Second Case", assign_to=caseworker, school="Rimu School")
    assert '<option value="Rimu School"' in caseload(client, service)


def test_a_full_page_of_cases_reads_as_much_as_one_case(
    login, service, manager, caseworker, django_assert_num_queries
):
    # Each row shows the child, the school, the caseworker and the last contact: the
    # page reads them for all its rows at once, never row by row.
    def open_cases(names: range) -> None:
        for n in names:
            case = open_case(service, manager, f"Child N{n}", assign_to=caseworker, school="Rimu")
            log_entry_record(
                case=case,
                by=caseworker,
                kind="phone",
                outcome="engaged",
                happened_at=at(date(2026, 11, 19)),
            )

    client = login(manager)
    open_cases(range(1))
    caseload(client, service, view="team")
    with CaptureQueriesContext(connection) as one:
        caseload(client, service, view="team")
    reads = len(one.captured_queries)  # before the next request clears Django's query log
    open_cases(range(1, CASES_PER_PAGE))
    caseload(client, service, view="team")  # opening cases forgot the schools' names
    with django_assert_num_queries(reads):
        page = caseload(client, service, view="team")
    assert page.count("Child N") == CASES_PER_PAGE and page.count("Rimu</td>") == CASES_PER_PAGE


def test_a_row_shows_the_child_schools_caseworker_status_and_last_contact(
    login, service, manager, caseworker
):
    contacted = open_case(service, manager, "Mere Tipene", assign_to=caseworker, school="Rimu")
    case_school_add(case=contacted, name="Kōwhai College")
    log_entry_record(
        case=contacted,
        by=caseworker,
        kind="phone",
        outcome="engaged",
        happened_at=at(date(2026, 11, 19), 10),
    )
    waiting = open_case(service, manager, "Hemi Walker")
    waiting.status = Case.Status.ON_HOLD
    waiting.save()
    page = caseload(login(manager), service, view="team")
    rows = page.split('<tr class="govuk-table__row">')
    mere = next(row for row in rows if "Mere Tipene" in row)
    assert f'href="{reverse("case", args=[contacted.pk])}">Mere Tipene</a>' in mere
    assert "Rimu, Kōwhai College</td>" in mere and "Chronic absence" in mere
    assert ">Caseworker Person</td>" in mere
    # The last contact in New Zealand time, for people and for machines.
    assert '<time datetime="2026-11-19T10:00:00+13:00">19 Nov 2026</time>' in mere
    hemi = next(row for row in rows if "Hemi Walker" in row)
    assert '<strong class="govuk-tag govuk-tag--yellow">On hold</strong>' in hemi
    assert ">Not assigned</td>" in hemi and "None yet" in hemi
