"""The certificate's PDF: the register session by session, its key, totals and flags."""

import pytest
from django.core.exceptions import ValidationError

from stepwise.certificates.services import certificate_issue
from stepwise.schools.models import Student

from .conftest import pdf_text


@pytest.fixture
def ava_certificate(kent_school, ava, officer_with_email, now):
    return certificate_issue(
        school=kent_school,
        student=ava,
        period="this_year",
        by=officer_with_email,
        issued_for=kent_school.organisation,
        confirmed_unresolved=True,
        now=now,
    )


def test_the_pdf_prints_the_codes_key_totals_names_and_who_issued_it(ava_certificate, tmp_path):
    text = pdf_text(bytes(ava_certificate.pdf), tmp_path)
    assert bytes(ava_certificate.pdf).startswith(b"%PDF")
    for expected in (
        "Registration certificate",
        "Ava Smith",
        "UPN: A123456789012",
        "Oakfield Primary",
        "From the start of the 2026/27 school year to date",
        "1 September 2026 to",
        "Reason for absence not yet established",  # N in the key
        "Absent in other or unknown circumstances",  # O
        "Authorised absence",
        "Unauthorised absence",
        "Issued on",
        "by Officer Officer, Oakfield Primary",
    ):
        assert expected in text, expected
    # The grid's first days: 3 September present, 4 September N twice, 7 September O and I.
    sep = next(line for line in text.splitlines() if line.strip().startswith("AM")) + "\n"
    assert "/" in sep and "N" in sep and "O" in sep
    # Totals: 8 sessions marked: 3 present, 1 authorised (I), 4 unauthorised (N, N, O, N).
    totals = " ".join(text.split())
    for line in ("Possible sessions 8", "Present 3", "Attendance 37.5%",
                 "Authorised absence 1", "Unauthorised absence 4"):  # fmt: skip
        assert line in totals, line


def test_unresolved_n_codes_are_flagged_in_a_box_listing_each(ava_certificate, tmp_path):
    text = " ".join(pdf_text(bytes(ava_certificate.pdf), tmp_path).split())
    assert "To be resolved first: 3 sessions coded N (no reason yet)" in text
    assert "N on Fri 4 September 2026 AM" in text
    assert "N on Tue 8 September 2026 PM" in text
    assert ava_certificate.unresolved == 3
    assert ava_certificate.unresolved_codes == "N"


def test_a_certificate_without_unresolved_codes_says_so(school, aroha, officer, now, tmp_path):
    kept = certificate_issue(
        school=school,
        student=aroha,
        period="this_year",
        by=officer,
        issued_for=school.organisation,
        now=now,
    )
    text = " ".join(pdf_text(bytes(kept.pdf), tmp_path).split())
    assert "No unresolved codes (?) in this period" in text
    assert "National Student Number: 100000001" in text
    assert "Illness or medical" in text and "Truant: no explanation" in text
    assert kept.unresolved == 0


def test_a_name_with_markup_characters_prints_as_written(school, aroha, officer, now, tmp_path):
    Student.objects.filter(pk=aroha.pk).update(
        given_name="#set *Aroha* [x]", family_name="$Ngata$ <b>"
    )
    aroha.refresh_from_db()
    kept = certificate_issue(
        school=school,
        student=aroha,
        period="this_year",
        by=officer,
        issued_for=school.organisation,
        now=now,
    )
    text = pdf_text(bytes(kept.pdf), tmp_path)
    assert "#set *Aroha* [x] $Ngata$ <b>" in text


def test_unresolved_codes_need_the_issuers_confirmation(kent_school, ava, officer, now):
    with pytest.raises(ValidationError) as refused:
        certificate_issue(
            school=kent_school,
            student=ava,
            period="this_year",
            by=officer,
            issued_for=kent_school.organisation,
            now=now,
        )
    assert "3 sessions still coded N" in refused.value.message_dict["confirm"][0]
    assert not ava.registration_certificates.exists()


def test_a_period_the_school_has_no_terms_for_is_refused_naming_the_field(school, aroha, officer):
    # A school that has not kept its 2025 terms on Stepwise has no previous year.
    school.terms.filter(year=2025).delete()
    with pytest.raises(ValidationError) as refused:
        certificate_issue(
            school=school,
            student=aroha,
            period="last_year",
            by=officer,
            issued_for=school.organisation,
        )
    assert refused.value.message_dict == {
        "period": ["Kōwhai College has no school days in that year on Stepwise yet"]
    }
    assert not aroha.registration_certificates.exists()
