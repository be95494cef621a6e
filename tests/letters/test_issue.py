"""Issuing a letter: one PDF per caregiver, kept with its hash, logged, followed up, emailed."""

import hashlib
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from stepwise.cases.models import AppendOnlyError, LogEntry, Person, Task
from stepwise.cases.services import case_status_set, log_entry_record, person_add
from stepwise.letters.cases.selectors import case_ladder
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import Letter
from tests.front.conftest import TODAY

from .conftest import at

FIGURES = Figures(days_missed=Decimal(29), days_possible=Decimal(29))


def issue(case, by, key="chronic_absence_1", sent_on=TODAY, **extra):
    args = {
        "case": case,
        "letter_key": key,
        "by": by,
        "sent_on": sent_on,
        "method": "post",
        "reason": "three calls and a home visit went unanswered",
        "figures": FIGURES,
        "now": at(sent_on, 14),
        **extra,
    }
    return letter_issue(**args)


def test_letter_one_goes_to_each_caregiver_with_parental_responsibility(case, caseworker, sender):
    letters = issue(case, caseworker)
    assert [letter.person.full_name for letter in letters] == ["Hine Ngata", "Rawiri Ngata"]
    for letter in letters:
        pdf = bytes(letter.pdf)
        assert pdf.startswith(b"%PDF-") and letter.size == len(pdf)
        assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
        assert letter.step == 1 and letter.method == "post" and letter.sent_on == TODAY
    entries = LogEntry.objects.filter(case=case, kind="letter").order_by("pk")
    assert [e.notes.splitlines()[0] for e in entries] == [
        "Letter 1 (support and legal obligations) sent to Hine Ngata on 20 November 2026 by "
        "post, because three calls and a home visit went unanswered.",
        "Letter 1 (support and legal obligations) sent to Rawiri Ngata on 20 November 2026 by "
        "post, because three calls and a home visit went unanswered.",
    ]
    assert letters[0].sha256 in entries[0].notes
    assert [list(e.people.all()) for e in entries] == [[letters[0].person], [letters[1].person]]
    # One follow-up task, made by Stepwise, a week later.
    (task,) = Task.objects.filter(case=case, created_by=None, title__startswith="Follow up")
    assert task.due_on == TODAY + timedelta(days=7)
    assert task.assigned_to == case.assigned_to


def test_each_letter_is_addressed_to_its_own_caregiver(case, caseworker, sender, tmp_path):
    hine, rawiri = issue(case, caseworker)
    texts = []
    for letter in (hine, rawiri):
        path = tmp_path / f"{letter.pk}.pdf"
        path.write_bytes(bytes(letter.pdf))
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        texts.append(" ".join(out.stdout.decode().split()))
    assert "Tēnā koe Hine Ngata," in texts[0] and "1 Example Street" in texts[0]
    assert "Tēnā koe Rawiri Ngata," in texts[1] and "22 Tōtara Road" in texts[1]
    assert "Hine" not in texts[1] and "Example Street" not in texts[1]
    for text in texts:
        assert "Aroha has missed 29 of 29 school days this term" in text
        assert "07 555 0142" in text and "Caseworker Person" in text
        assert "Three calls" not in text and "unanswered" not in text  # no case notes


def test_a_caregiver_without_parental_responsibility_gets_no_letter(case, caseworker, sender):
    person_add(case=case, role="other_carer", given_name="Aunty", family_name="Ngata",
               parental_responsibility=False)  # fmt: skip
    assert len(issue(case, caseworker)) == 2


def test_a_caregivers_language_without_a_translation_falls_back_to_english(
    case, caseworker, sender
):
    hine = issue(case, caseworker)[0]
    assert hine.person.preferred_language == "mi"
    assert hine.language == "en"
    assert "Sent in English: there is no 'mi' version" in hine.log_entry.notes


def test_letter_three_is_refused_without_letter_one_unless_a_reason_is_given(
    case, caseworker, sender
):
    with pytest.raises(ValidationError, match="The ladder refuses this letter now") as refused:
        issue(case, caseworker, key="chronic_absence_3")
    assert "override_reason" in refused.value.message_dict
    assert not Letter.objects.exists() and not LogEntry.objects.filter(kind="letter").exists()

    letters = issue(
        case, caseworker, key="chronic_absence_3", override_reason="The school sent letter 1."
    )
    assert len(letters) == 2
    assert "Letter 1 has not been sent to Hine Ngata." in letters[0].refused_because
    assert letters[0].override_reason == "The school sent letter 1."
    assert "Sent although the ladder refused it" in letters[0].log_entry.notes
    assert "Why: The school sent letter 1." in letters[0].log_entry.notes


def test_the_gap_and_an_attempt_to_engage_come_between_letters(case, caseworker, sender):
    issue(case, caseworker)
    later = TODAY + timedelta(days=3)
    with pytest.raises(ValidationError, match="The ladder refuses this letter now"):
        issue(case, caseworker, key="chronic_absence_2", sent_on=later)
    # Refused for both reasons: too soon after letter 1, and no attempt to engage since.
    (letter_2,) = [v for v in case_ladder(case, later).verdicts if v.letter.step == 2]
    assert any("leave at least 14 days between letters" in r for r in letter_2.reasons)
    assert any(
        "No attempt to engage has been recorded since letter 1" in r for r in letter_2.reasons
    )
    much_later = TODAY + timedelta(days=20)
    log_entry_record(case=case, by=caseworker, kind="phone", outcome="no_answer",
                     happened_at=at(TODAY + timedelta(days=10)), now=at(much_later))  # fmt: skip
    assert len(issue(case, caseworker, key="chronic_absence_2", sent_on=much_later)) == 2


def test_email_sends_the_pdf_and_says_so_in_the_log(case, caseworker, sender):
    Person.objects.filter(case=case, given_name="Rawiri").update(email="rawiri@example.org")
    letters = issue(case, caseworker, method="email")
    assert len(mail.outbox) == 2
    first = mail.outbox[0]
    assert first.to == ["hine@example.org"]
    assert first.from_email == "letters@kowhai.example.org"
    (_name, content, kind) = first.attachments[0]
    assert kind == "application/pdf" and content == bytes(letters[0].pdf)
    assert "by email to hine@example.org" in letters[0].log_entry.notes
    assert letters[0].emailed_to == "hine@example.org"


def test_email_is_refused_for_a_caregiver_with_no_address(case, caseworker, sender):
    with pytest.raises(ValidationError) as refused:
        issue(case, caseworker, method="email")
    assert "No email address for Rawiri Ngata" in refused.value.message_dict["method"][0]
    assert not mail.outbox and not Letter.objects.exists()


def test_post_needs_an_address_for_every_caregiver(case, caseworker, sender):
    Person.objects.filter(case=case, given_name="Rawiri").update(address="")
    with pytest.raises(ValidationError) as refused:
        issue(case, caseworker)
    assert refused.value.message_dict["method"] == [
        "No postal address for Rawiri Ngata: record one on the case, or deliver the letter by hand"
    ]
    assert len(issue(case, caseworker, method="hand")) == 2


def test_a_closed_case_sends_no_letters(case, caseworker, sender):
    case_status_set(case=case, status="closed", closed_reason="re_enrolled", today=TODAY)
    with pytest.raises(ValidationError, match="This case is closed"):
        issue(case, caseworker)


def test_a_letter_needs_the_senders_phone(case, caseworker, manager):
    # It says who may set it: the service's manager.
    with pytest.raises(ValidationError, match=r"need a phone number .*: Manager Person"):
        issue(case, caseworker)


def test_a_sent_letter_is_never_changed(case, caseworker, sender):
    letter = issue(case, caseworker)[0]
    letter.reason = "changed"
    with pytest.raises(AppendOnlyError, match="A sent letter is never changed"):
        letter.save()
    with pytest.raises(AppendOnlyError, match="A sent letter is never deleted"):
        letter.delete()
