"""England's (and Kent's) school letters from a case: confirmed preconditions and a meeting."""

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from stepwise.cases.models import Case, CaseSchool
from stepwise.cases.services import case_open, log_entry_record, person_add
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import Letter
from stepwise.onboarding.organisations import school_setup

from .conftest import at

OPENED = date(2026, 9, 7)
FIGURES = Figures(days_missed=Decimal("8.5"), days_possible=Decimal(40))


@pytest.fixture
def kent_case(service, caseworker, sender) -> Case:
    """Oliver Brown at a Kent school: two parents with parental responsibility, one elsewhere."""
    school = school_setup(code="KENT-1", name="Oakwood Primary", pack="kent", today=OPENED)
    case = case_open(service=service, by=caseworker, reason="chronic_absence",
                     given_name="Oliver", family_name="Brown", birth_date=date(2015, 4, 2),
                     assign_to=caseworker, today=OPENED)  # fmt: skip
    CaseSchool.objects.create(case=case, school=school, name=school.name)
    for given, lives in (("Emma", True), ("Dan", False)):
        person_add(case=case, role="caregiver", given_name=given, family_name="Brown",
                   parental_responsibility=True, lives_with_student=lives,
                   address=f"{given} House, 1 High Street, Ashford TN23 1AA")  # fmt: skip
    return case


def issue(case, by, key, day, **extra):
    return letter_issue(case=case, letter_key=key, by=by, sent_on=day, method="post",
                        reason="attendance below 90%", figures=FIGURES,
                        now=at(day, 15), **extra)  # fmt: skip


def test_a_kent_case_writes_englands_school_letters(kent_case, caseworker, tmp_path):
    letters = issue(kent_case, caseworker, "concern", date(2026, 10, 1))
    assert [x.pack for x in letters] == ["kent", "kent"]
    path = tmp_path / "dan.pdf"
    path.write_bytes(bytes(letters[1].pdf))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    text = " ".join(out.stdout.decode().split())
    assert "Dear Dan Brown," in text
    assert "Oliver has missed 8.5 of 40 school days this term" in text
    assert "about 40 school days in a year" in text
    assert "section 444 of the Education Act 1996" in text


def test_medical_evidence_is_asked_for_only_where_the_illness_is_doubted(kent_case, caseworker):
    issue(kent_case, caseworker, "concern", date(2026, 10, 1))
    log_entry_record(case=kent_case, by=caseworker, kind="phone", outcome="no_answer",
                     happened_at=at(date(2026, 10, 5)), now=at(date(2026, 10, 20)))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        issue(kent_case, caseworker, "medical_evidence", date(2026, 10, 20))
    assert "override_reason" in refused.value.message_dict
    sent = issue(kent_case, caseworker, "medical_evidence", date(2026, 10, 20),
                 confirmed=frozenset({"illness_doubted"}))  # fmt: skip
    assert [x.step for x in sent] == [2, 2] and not sent[0].override_reason


def test_the_meeting_invitation_says_when_and_where(kent_case, caseworker, tmp_path):
    issue(kent_case, caseworker, "concern", date(2026, 10, 1))
    log_entry_record(case=kent_case, by=caseworker, kind="home_visit", outcome="refused",
                     happened_at=at(date(2026, 10, 5)), now=at(date(2026, 10, 20)))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        issue(kent_case, caseworker, "formal_meeting", date(2026, 10, 20))
    assert "meeting" in refused.value.message_dict
    meeting = {"meeting": "Tuesday 3 November 2026 at 3.30pm, in the hall"}
    (emma, _dan) = issue(
        kent_case, caseworker, "formal_meeting", date(2026, 10, 20), inputs=meeting
    )
    path = tmp_path / "emma.pdf"
    path.write_bytes(bytes(emma.pdf))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    assert "Tuesday 3 November 2026 at 3.30pm, in the hall" in " ".join(out.stdout.decode().split())


def test_the_page_asks_for_the_confirmation_and_the_numbers(kent_case, caseworker, login):
    client = login(caseworker)
    url = reverse("letter_issue", args=[kent_case.pk, "medical_evidence"])
    page = client.get(url).content.decode()
    assert "I confirm: The school has genuine and reasonable doubt" in page
    assert "School days missed this term" in page  # no register for Oliver here
    response = client.post(
        url,
        {
            "action": "send",
            "days_missed": "8.5",
            "days_possible": "40",
            "confirm_illness_doubted": "on",
            "sent_on": timezone.localdate().isoformat(),
            "method": "hand",
            "reason": "notes from home say ill every Monday",
            "override_reason": "Letter 1 was handed over at the school gate.",
        },
    )
    assert response.status_code == 302
    letters = Letter.objects.filter(case=kent_case)
    assert {x.method for x in letters} == {"hand"} and letters.count() == 2
    assert "by hand delivery" in letters[0].log_entry.notes


def test_the_letters_page_names_the_set_once(kent_case, case, caseworker, login):
    client = login(caseworker)
    kent = client.get(reverse("case_letters", args=[kent_case.pk])).content.decode()
    assert '<h2 class="govuk-heading-m">School attendance letters</h2>' in kent
    assert "letters letters" not in kent
    nz = client.get(reverse("case_letters", args=[case.pk])).content.decode()
    assert '<h2 class="govuk-heading-m">Chronic absence letters</h2>' in nz
