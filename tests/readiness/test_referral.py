"""Making a prosecution referral: only when ready, telling the team nothing about the
child, letting the team see that case and no other, making letter 4 due."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from stepwise.cases.models import LogEntry, ProsecutionReferral
from stepwise.cases.services import log_entry_record
from stepwise.letters.cases.selectors import letters_due
from stepwise.readiness.facts import case_facts
from stepwise.readiness.models import Attestation, ReferralStatusChange
from stepwise.readiness.selectors import case_readiness
from stepwise.readiness.services import referral_make, referral_status_set

from .conftest import TODAY, ago, at, close_tasks, say, send


def refer(case, by):
    return referral_make(case=case, by=by, now=at(TODAY, 11))


def test_a_case_built_to_meet_every_item_is_ready(ready_case):
    found = case_readiness(ready_case, TODAY)
    assert [(r.item.key, r.state) for r in found.results if r.state != "met"] == []
    assert found.ready


def test_a_new_case_is_not_ready_and_says_what_is_missing(case, route):
    found = case_readiness(case, TODAY)
    missing = {r.item.key: r.reason for r in found.results if r.state == "missing"}
    assert set(missing) == {"letter_3", "attempts", "crm_spoken", "school_told", "up_to_date"}
    assert "Letter 3 has not been sent to Hine Ngata." in missing["letter_3"]
    assert "Letter 3 has not been sent to Rawiri Ngata." in missing["letter_3"]
    assert "0 attempts to engage recorded" in missing["attempts"]


def test_the_referral_is_refused_until_nothing_is_missing(case, caseworker, route):
    with pytest.raises(ValidationError) as refused:
        refer(case, caseworker)
    assert "Letter 3 has gone to every caregiver" in str(refused.value)
    assert not ProsecutionReferral.objects.exists()


def test_the_notification_carries_the_case_reference_and_contact_only(
    ready_case, caseworker, students
):
    referral = refer(ready_case, caseworker)
    (sent,) = mail.outbox
    assert sent.to == ["prosecutions@example.govt.nz"]
    for text in (referral.notification, sent.subject, sent.body):
        assert ready_case.reference in text or text == sent.subject
        for detail in (
            "Aroha", "Ngata", "Hine", "Rawiri", students["Aroha"].national_id,
            "Example Street", "Tōtara Road", "021 000 0001", "hine@example.org",
            str(students["Aroha"].birth_date.year),
        ):  # fmt: skip
            assert detail not in text, detail
    assert ready_case.reference in sent.subject
    assert "Caseworker Person, Kōwhai Attendance Service" in referral.notification
    assert "07 555 0142" in referral.notification  # the service's own phone


def test_a_referral_is_logged_and_cannot_be_made_twice(ready_case, caseworker):
    referral = refer(ready_case, caseworker)
    assert referral.status == "submitted"
    assert ReferralStatusChange.objects.filter(referral=referral, status="submitted").exists()
    assert ready_case.log.filter(notes__startswith="Referred to the Ministry Prosecutions").exists()
    with pytest.raises(ValidationError, match="already been referred"):
        refer(ready_case, caseworker)


def test_letter_four_is_due_at_once_after_the_referral_until_sent(ready_case, caseworker):
    found = case_readiness(ready_case, TODAY)
    assert letters_due(ready_case, found.pack) == []
    refer(ready_case, caseworker)
    (due,) = letters_due(ready_case, found.pack)
    assert due.step == 4 and due.to == ["Hine Ngata", "Rawiri Ngata"]
    # Nobody confirms the case is referred: Stepwise knows, so the ladder lets it go.
    send(ready_case, caseworker, 4, 0)
    assert letters_due(ready_case, found.pack) == []


def test_the_team_sees_the_referred_case_and_no_other(
    login, ready_case, caseworker, prosecutor, other_prosecutor, team, referral
):
    referral_made = refer(ready_case, caseworker)
    client = login(prosecutor)
    page = client.get(reverse("team_referrals", args=[team.pk])).content.decode()
    assert ready_case.reference in page
    detail = client.get(reverse("team_referral", args=[referral_made.pk]))
    assert detail.status_code == 200 and ready_case.reference in detail.content.decode()
    # The case's own pages stay the service's: the team reads the referral view.
    assert client.get(reverse("case", args=[ready_case.pk])).status_code == 404
    assert client.get(reverse("case_readiness", args=[ready_case.pk])).status_code == 404
    other = login(other_prosecutor)
    assert other.get(reverse("team_referral", args=[referral_made.pk])).status_code == 404
    assert other.get(reverse("team_referrals", args=[team.pk])).status_code == 404


def test_the_team_sets_the_status_and_each_change_is_logged(
    login, ready_case, caseworker, prosecutor
):
    referral = refer(ready_case, caseworker)
    client = login(prosecutor)
    url = reverse("team_referral", args=[referral.pk])
    refused = client.post(url, {"status": "returned", "note": ""})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    assert ProsecutionReferral.objects.get().status == "submitted"
    client.post(url, {"status": "meeting_arranged", "note": "Meeting on 1 December."})
    assert ProsecutionReferral.objects.get().status == "meeting_arranged"
    assert ready_case.log.filter(notes="Referral status: Meeting arranged. Meeting on 1 December.")
    statuses = ReferralStatusChange.objects.values_list("status", flat=True)
    assert list(statuses) == ["submitted", "meeting_arranged"]


def test_a_returned_referral_may_be_made_again(ready_case, caseworker, prosecutor):
    first = refer(ready_case, caseworker)
    referral_status_set(
        referral=first, by=prosecutor, status="returned", note="Add the minutes",
        now=at(TODAY, 12),
    )  # fmt: skip
    assert case_readiness(ready_case, TODAY).referral is None
    # Once what the team asked for is recorded as put right (tests/readiness/
    # test_returned_referral.py), the case may be referred again.
    say(ready_case, caseworker, "put_right", "put_right", days_ago=0)
    second = refer(ready_case, caseworker)
    assert second.pk != first.pk and second.status == "submitted"


def test_a_caseworker_may_not_set_a_referrals_status(login, ready_case, caseworker):
    referral = refer(ready_case, caseworker)
    client = login(caseworker)
    url = reverse("team_referral", args=[referral.pk])
    assert client.post(url, {"status": "declined", "note": "no"}).status_code == 404
    assert ProsecutionReferral.objects.get().status == "submitted"


def test_the_case_page_checklist_links_each_missing_item_to_where_it_is_put_right(
    login, case, caseworker, route
):
    client = login(caseworker)
    page = client.get(reverse("case_readiness", args=[case.pk])).content.decode()
    assert f'href="{reverse("case_letters", args=[case.pk])}"' in page
    assert f'href="{reverse("readiness_attest", args=[case.pk, "crm_spoken"])}"' in page
    assert f'href="{reverse("log_new", args=[case.pk])}"' in page
    assert "5 missing" in page
    assert "disabled" in page  # the refer button says what is missing instead
    partial = client.get(reverse("case_readiness", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "govuk-task-list" in partial.content.decode()


def test_recording_an_attestation_names_the_field_it_needs(login, case, caseworker, route):
    client = login(caseworker)
    url = reverse("readiness_attest", args=[case.pk, "crm_spoken"])
    response = client.post(url, {"answer": "spoken", "happened_on": "2026-11-19", "note": ""})
    assert response.status_code == 400
    assert "Say who, what and where the evidence is" in response.content.decode()
    assert not Attestation.objects.exists()
    client.post(url, {"answer": "spoken", "happened_on": "2026-11-19", "note": "Met Mere."})
    (said,) = Attestation.objects.all()
    assert said.answer == "spoken" and said.attested_by == caseworker
    assert case.log.filter(kind=LogEntry.Kind.NOTE, notes__contains="Met Mere.").exists()
    result = {r.item.key: r for r in case_readiness(case, TODAY).results}["crm_spoken"]
    assert result.state == "met"


def test_an_unknown_checklist_item_is_not_found(login, case, caseworker, route):
    client = login(caseworker)
    assert client.get(reverse("readiness_attest", args=[case.pk, "no_such"])).status_code == 404
    # A record-only item cannot be attested away either.
    assert client.get(reverse("readiness_attest", args=[case.pk, "letter_3"])).status_code == 404


def test_another_service_sees_nothing(login, ready_case, other_caseworker):
    client = login(other_caseworker)
    assert client.get(reverse("case_readiness", args=[ready_case.pk])).status_code == 404
    assert client.post(reverse("readiness_refer", args=[ready_case.pk])).status_code == 404
    assert not ProsecutionReferral.objects.exists()


def test_an_overdue_task_makes_the_record_out_of_date(ready_case, caseworker):
    from stepwise.cases.services import task_add

    task_add(case=ready_case, by=caseworker, title="Call the school", due_on=TODAY.replace(day=1))
    result = {r.item.key: r for r in case_readiness(ready_case, TODAY).results}["up_to_date"]
    assert result.state == "missing" and "1 task overdue" in result.reason
    close_tasks(ready_case, caseworker)
    result = {r.item.key: r for r in case_readiness(ready_case, TODAY).results}["up_to_date"]
    assert result.state == "met"


def test_the_letters_page_shows_letter_four_overdue_after_the_referral(
    login, ready_case, caseworker
):
    client = login(caseworker)
    url = reverse("case_letters", args=[ready_case.pk])
    assert "is overdue" not in client.get(url).content.decode()
    refer(ready_case, caseworker)
    page = client.get(url).content.decode()
    assert "Letter 4: the case is with the Prosecutions team is overdue" in page
    assert "Still to send to Hine Ngata, Rawiri Ngata." in page


def test_the_checklist_reads_whether_a_log_entry_says_why_support_was_declined(case, caseworker):
    for notes in ("She does not want a mentor: the last one moved away.", "  "):
        log_entry_record(
            case=case, by=caseworker, kind="phone", outcome="declined_support",
            support="declined", notes=notes, happened_at=at(ago(5)), now=at(ago(5), 16),
        )  # fmt: skip
    _pack, facts = case_facts(case, TODAY)
    declined = [(c.support, c.noted) for c in facts.contacts if c.support]
    assert sorted(declined) == [("declined", False), ("declined", True)]
