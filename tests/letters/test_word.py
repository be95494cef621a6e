"""A service's own Word templates: placeholders checked on upload, letters issued as DOCX."""

import hashlib
import io

import docx
import pytest
from django.urls import reverse

from stepwise.cases.models import Person
from stepwise.letters.models import Letter, WordTemplate
from stepwise.letters.word.filling import WordTemplateError, template_fields
from stepwise.letters.word.services import word_template_add

from .test_issue import issue

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


OURS = docx_bytes(
    "{{ sender_name }}, {{ sender_address }}",
    "{{ date }}",
    "{{ caregiver }}, {{ caregiver_address }}",
    "{{ greeting }}",
    "{{ subject }}",
    "{{ numbers }}",
    "{{ opening }} {{ support_offered }} {{ what_happens_next }}",
    "{{ legal_obligation }} {{ consequences }}",
    "{{ sign_off }} {{ signatory }}",
)


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


def upload(service, user, content: bytes, key: str = "chronic_absence_1") -> WordTemplate:
    return word_template_add(
        organisation=service, letter_key=key, file_name="ours.docx", content=content, by=user
    )


# Each case: (the template's paragraphs, words of the error, or "" when it is accepted).
TEMPLATES = [
    (("{{ caregiver }} {{ numbers }} {{ legal_obligation }}",), ""),
    (("{% if meeting %}{{ meeting }}{% endif %}",), ""),
    (("{{ case_notes }}",), "placeholders Stepwise does not fill: case_notes"),
    (("{{ caregiver }",), "a mistake in a placeholder"),
]


@pytest.mark.parametrize(("lines", "error"), TEMPLATES)
def test_every_placeholder_is_checked_before_a_template_is_accepted(lines, error):
    content = docx_bytes(*lines)
    if error:
        with pytest.raises(WordTemplateError, match=error):
            template_fields(content)
    else:
        assert template_fields(content)


def test_a_file_that_is_not_a_word_document_is_refused():
    with pytest.raises(WordTemplateError, match="not a Word"):
        template_fields(b"%PDF-1.7 not a docx")


def test_an_upload_with_an_unknown_placeholder_is_refused(service, manager):
    with pytest.raises(WordTemplateError, match="private_notes"):
        upload(service, manager, docx_bytes("Dear {{ caregiver }}, {{ private_notes }}"))
    assert not WordTemplate.objects.exists()


def test_a_services_word_template_makes_docx_letters(case, caseworker, manager, sender, login):
    service = case.service
    upload(service, manager, OURS)
    kept = WordTemplate.objects.get(organisation=service)
    assert kept.sha256 == hashlib.sha256(OURS).hexdigest() and "numbers" in kept.fields
    Person.objects.filter(case=case, given_name="Hine").update(given_name="Hine <b>&")

    hine, rawiri = issue(case, caseworker)
    assert hine.file_format == rawiri.file_format == "docx"
    assert hine.sha256 == hashlib.sha256(bytes(hine.pdf)).hexdigest()
    assert "SHA-256 of the DOCX" in hine.log_entry.notes
    text = paragraphs(bytes(hine.pdf))
    assert "Hine <b>& Ngata, 1 Example Street, Town" in text
    assert "Tēnā koe Hine <b>& Ngata," in text
    assert "Aroha has missed 29 of 29 school days this term" in text[5]
    assert "section 36" in text[7]
    assert "Tēnā koe Rawiri Ngata," in paragraphs(bytes(rawiri.pdf))

    response = login(caseworker).get(reverse("letter_download", args=[case.pk, hine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"].endswith(".docx")
    assert response.content == bytes(hine.pdf)


def test_other_letters_stay_pdf(case, caseworker, manager, sender):
    upload(case.service, manager, OURS, key="chronic_absence_3")
    assert {x.file_format for x in issue(case, caseworker)} == {Letter.Format.PDF}
