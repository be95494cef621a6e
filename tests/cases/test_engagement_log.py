"""The engagement log: contacts, outcomes, corrections, attachments, the refusal signal."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from stepwise.audit.models import AuditEvent
from stepwise.cases.models import Attachment, LogEntry
from stepwise.cases.services import log_entry_record, safety_flag_raise

from .conftest import TODAY, at


def record(client, case, **data):
    return client.post(reverse("log_new", args=[case.pk]), data)


def test_a_caseworker_records_a_failed_phone_call(login, caseworker, case):
    client = login(caseworker)
    hine = case.people.get(given_name="Hine")
    response = record(
        client,
        case,
        kind="phone",
        happened_at="2026-11-20T09:30",
        outcome="no_answer",
        people=[hine.pk],
        notes="Rang twice, no voicemail.",
    )
    assert response.status_code == 302
    entry = case.log.get(kind="phone")
    assert entry.outcome == "no_answer" and entry.recorded_by == caseworker
    assert list(entry.people.all()) == [hine]
    case.refresh_from_db()
    assert case.status == "active" and case.last_contact_at == entry.happened_at
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Phone call: no answer" in page and "Rang twice, no voicemail." in page


def test_a_bad_entry_is_refused_by_field_and_nothing_is_written(login, caseworker, case):
    before = case.log.count()
    response = record(login(caseworker), case, kind="carrier pigeon", happened_at="soon")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select what kind of contact or event this was" in page
    assert "Enter when it happened as a date and time" in page
    assert case.log.count() == before


def test_a_future_contact_is_refused(caseworker, case):
    with pytest.raises(ValidationError) as error:
        log_entry_record(
            case=case, by=caseworker, kind="phone", happened_at=at(TODAY + timedelta(days=400))
        )
    assert "happened_at" in error.value.message_dict


def test_a_correction_is_a_new_entry_pointing_at_the_one_it_corrects(login, caseworker, case):
    client = login(caseworker)
    record(client, case, kind="home_visit", happened_at="2026-11-19T15:00", outcome="not_found")
    wrong = case.log.get(kind="home_visit")
    response = record(
        client,
        case,
        corrects=wrong.pk,
        kind="home_visit",
        happened_at="2026-11-19T15:00",
        outcome="refused",
        notes="Mother was home and refused: I recorded the wrong outcome.",
    )
    assert response.status_code == 302
    correction = case.log.get(corrects=wrong)
    wrong.refresh_from_db()
    assert wrong.outcome == "not_found"  # the original is untouched
    assert correction.outcome == "refused"
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "Corrected" in page and f'href="#entry-{wrong.pk}"' in page


def test_a_correction_must_say_what_was_wrong(caseworker, case):
    wrong = log_entry_record(case=case, by=caseworker, kind="phone", happened_at=at(TODAY))
    with pytest.raises(ValidationError) as error:
        log_entry_record(
            case=case, by=caseworker, kind="phone", happened_at=at(TODAY), corrects=wrong
        )
    assert error.value.message_dict["notes"] == [
        "Say what was wrong in the entry you are correcting"
    ]


def test_an_attachment_is_kept_as_uploaded_with_its_sha256(login, caseworker, case):
    client = login(caseworker)
    content = b"Minutes of the whanau hui, 19 November.\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("minutes.txt", content, content_type="text/plain")
    record(
        client,
        case,
        kind="whanau_hui",
        happened_at="2026-11-19T15:00",
        outcome="engaged",
        attachments=upload,
    )
    kept = Attachment.objects.get()
    assert kept.sha256 == hashlib.sha256(content).hexdigest() and kept.size == len(content)
    response = client.get(reverse("case_attachment", args=[case.pk, kept.pk]))
    assert response.content == content
    assert AuditEvent.objects.filter(action="download", object_id=str(case.pk)).exists()


def test_the_refusal_signal_shows_after_the_configured_attempts(login, caseworker, case):
    client = login(caseworker)
    outcomes = ["no_answer", "message_left", "refused"]
    for i, outcome in enumerate(outcomes):
        page = client.get(reverse("case", args=[case.pk])).content.decode()
        assert "The family is not engaging" not in page, f"too early, after {i} attempts"
        record(client, case, kind="phone", happened_at=f"2026-11-1{i + 5}T10:00", outcome=outcome)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "The family is not engaging: 3 unsuccessful or refused contacts" in page
    assert "Suggested next step" in page


def test_a_corrected_entry_no_longer_counts_towards_the_signal(caseworker, case):
    from stepwise.cases.selectors import case_signal, effective_log

    entries = [
        log_entry_record(
            case=case,
            by=caseworker,
            kind="phone",
            outcome="no_answer",
            happened_at=at(TODAY - timedelta(days=d)),
            now=at(TODAY, 18),
        )
        for d in (1, 2, 3)
    ]
    assert case_signal(case, effective_log(case), TODAY).refusing
    log_entry_record(
        case=case,
        by=caseworker,
        kind="phone",
        outcome="engaged",
        happened_at=entries[0].happened_at,
        corrects=entries[0],
        notes="They answered: wrong outcome.",
        now=at(TODAY, 18),
    )
    assert not case_signal(case, effective_log(case), TODAY).refusing


def test_while_another_pathway_is_explored_the_case_warns_against_letters(login, caseworker, case):
    client = login(caseworker)
    client.post(
        reverse("case_status", args=[case.pk]), {"status": "active", "exploring_pathway": "on"}
    )
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert "formal non-engagement letters are not appropriate" in page


def test_a_safety_flag_appears_on_the_visit_form(login, caseworker, case):
    client = login(caseworker)
    response = client.post(
        reverse("safety_new", args=[case.pk]),
        {"kind": "dogs", "address": "1 Example Street", "note": "Two dogs loose in the yard."},
    )
    assert response.status_code == 302
    form = client.get(reverse("log_new", args=[case.pk]) + "?kind=home_visit").content.decode()
    assert "Two dogs loose in the yard." in form
    assert "community constable" in form


def test_a_withdrawn_flag_leaves_the_visit_form(caseworker, case, login):
    flag = safety_flag_raise(
        case=case, by=caseworker, kind="weapons", note="Knife seen.", address="x"
    )
    client = login(caseworker)
    client.post(reverse("safety_withdraw", args=[case.pk, flag.pk]))
    assert "Knife seen." not in client.get(reverse("log_new", args=[case.pk])).content.decode()
    flag.refresh_from_db()
    assert flag.withdrawn_at is not None  # kept, not deleted


def test_one_agency_leads(login, caseworker, case):
    client = login(caseworker)
    url = reverse("agency_new", args=[case.pk])
    client.post(url, {"kind": "health", "name": "Public health nurse", "leads": "on"})
    client.post(url, {"kind": "children", "name": "Oranga Tamariki", "leads": "on"})
    assert list(case.agencies.filter(leads=True).values_list("name", flat=True)) == [
        "Oranga Tamariki"
    ]


def test_tasks_are_listed_for_their_owner_with_overdue_ones_marked(login, caseworker, case):
    case.tasks.update(due_on=TODAY + timedelta(days=3650))  # the first-contact task: not due
    client = login(caseworker)
    client.post(
        reverse("task_new", args=[case.pk]), {"title": "Ring the dean", "due_on": "2026-01-05"}
    )
    client.post(
        reverse("task_new", args=[case.pk]), {"title": "Visit again", "due_on": "2099-01-05"}
    )
    page = client.get(reverse("tasks", args=[case.service_id])).content.decode()
    assert page.index("Ring the dean") < page.index("Visit again")
    assert page.count("Overdue") == 1
    assert "First contact with the family" in page  # made by Stepwise on accepting
    task = case.tasks.get(title="Ring the dean")
    response = client.post(reverse("task_done", args=[case.pk, task.pk]), {"next": "tasks"})
    assert response.url == reverse("tasks", args=[case.service_id])
    page = client.get(response.url).content.decode()
    assert "Done: Ring the dean." in page  # the banner
    assert page.count("Ring the dean") == 1
    assert LogEntry.objects.filter(case=case).count() == 1  # only the opening note
