"""A service's manager keeps its Word templates on a page: list, upload (checked), replace, remove.

Who may do what: the Kōwhai Attendance Service's `manager` sets up its templates;
its `caseworker` gets 403; `other_caseworker` (Harbour Attendance Service) gets 404,
as for every address of another organisation (tests/security).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stepwise.audit.models import AuditEvent
from stepwise.letters.models import Letter, WordTemplate

from .test_issue import issue
from .test_word import OURS, docx_bytes

KEY = "chronic_absence_1"


def url(service) -> str:
    return reverse("word_templates", args=[service.pk])


def upload(client, service, content: bytes, name: str = "ours.docx", key: str = KEY):
    return client.post(
        url(service), {"letter": key, "upload": SimpleUploadedFile(name, content)}, follow=True
    )


def test_the_page_lists_each_letter_of_the_service_with_its_template(service, manager, login):
    page = login(manager).get(url(service))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Word templates" in text
    assert "Letter 1: support and legal obligations" in text
    assert "Built-in letter (PDF)" in text
    assert "{{ caregiver }}" in text  # the placeholders it may use


def test_an_upload_is_checked_kept_audited_and_used_for_letters(
    case, caseworker, manager, sender, login
):
    service = case.service
    page = upload(login(manager), service, OURS)
    assert "ours.docx is now the Word template for" in page.content.decode()
    kept = WordTemplate.objects.get(organisation=service, letter_key=KEY)
    assert kept.uploaded_by == manager and "numbers" in kept.fields
    assert AuditEvent.objects.filter(
        action="change", object_type="word_template", object_id=KEY, user=manager
    ).exists()
    assert {x.file_format for x in issue(case, caseworker)} == {Letter.Format.DOCX}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        # (the file, words of the message on the page)
        (docx_bytes("{% for x in range(10**9) %}{{ x }}{% endfor %}"), "at most 1,000 numbers"),
        (docx_bytes("Dear {{ caregiver }}, {{ private_notes }}"), "does not fill: private_notes"),
        (b"%PDF-1.7 not a docx", "This is not a Word (.docx) file"),
    ],
)
def test_a_template_that_fails_its_check_is_refused_with_the_reason(
    service, manager, login, content, words
):
    page = upload(login(manager), service, content)
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text and words in text
    assert not WordTemplate.objects.exists()


def test_a_file_over_the_size_limit_is_refused_unread(service, manager, login, settings):
    page = upload(login(manager), service, b"0" * (5 * 1024 * 1024 + 1))
    assert page.status_code == 400
    assert "A Word template must be 5 MB or smaller" in page.content.decode()


def test_replacing_a_template_keeps_only_the_new_one(service, manager, login):
    client = login(manager)
    upload(client, service, OURS, name="first.docx")
    upload(client, service, docx_bytes("{{ greeting }} {{ numbers }}"), name="second.docx")
    assert list(WordTemplate.objects.values_list("file_name", flat=True)) == ["second.docx"]
    assert "second.docx" in client.get(url(service)).content.decode()


def test_removing_a_template_brings_back_the_built_in_letter(
    case, caseworker, manager, sender, login
):
    client = login(manager)
    upload(client, case.service, OURS)
    removed = client.post(reverse("word_template_remove", args=[case.service.pk, KEY]))
    assert removed.status_code == 302
    assert not WordTemplate.objects.exists()
    assert AuditEvent.objects.filter(object_type="word_template", detail__startswith="removed")
    assert {x.file_format for x in issue(case, caseworker)} == {Letter.Format.PDF}
    # Nothing left to remove: not found.
    again = client.post(reverse("word_template_remove", args=[case.service.pk, KEY]))
    assert again.status_code == 404


def test_a_caseworker_may_not_change_the_templates(service, caseworker, login):
    client = login(caseworker)
    assert client.get(url(service)).status_code == 403
    assert upload(client, service, OURS).status_code == 403
    assert not WordTemplate.objects.exists()


def test_another_services_staff_get_not_found(service, other_caseworker, login):
    assert login(other_caseworker).get(url(service)).status_code == 404


def test_the_letters_page_links_managers_to_the_templates(case, manager, login):
    page = login(manager).get(reverse("case_letters", args=[case.pk]))
    assert url(case.service).encode() in page.content
