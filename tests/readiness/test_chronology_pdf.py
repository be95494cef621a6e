"""The chronology as a PDF: every event in date order, names printed as written, corrections marked.

Who may see what (tests/readiness/conftest.py): the case's service staff download it;
`other_caseworker` (Harbour Attendance Service) gets 404.
"""

import re
import subprocess
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.cases.chronology import chronology
from stepwise.readiness.bundle import case_chronology_pdf

from .conftest import MARKUP_FAMILY, MARKUP_GIVEN, MARKUP_NOTE, TODAY, at

NOW = at(TODAY, 12)
# A line of the laid-out table that starts an event: its date in the first column.
EVENT_DATE = re.compile(r"^\s{0,3}(\d{1,2} [A-Z][a-z]{2} \d{4})\b")


def pdf_text(pdf: bytes, tmp_path, *layout: str) -> str:
    path = tmp_path / "chronology.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", *layout, str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def test_the_chronology_pdf_holds_every_event_in_date_order(bundle_case, tmp_path):
    items = chronology(bundle_case, TODAY)
    laid_out = pdf_text(case_chronology_pdf(bundle_case, NOW), tmp_path, "-layout")
    dates = [
        datetime.strptime(m.group(1), "%d %b %Y").date()
        for line in laid_out.splitlines()
        if (m := EVENT_DATE.match(line))
    ]
    assert dates == [timezone.localtime(item.at).date() for item in items]
    assert dates == sorted(dates)
    text = " ".join(pdf_text(case_chronology_pdf(bundle_case, NOW), tmp_path).split())
    for item in items:
        assert " ".join(item.title.split()) in text, item.title
    assert f"{len(items)} events on record, oldest first" in text


def test_the_heading_names_the_case_the_service_and_the_child(bundle_case, tmp_path):
    text = " ".join(pdf_text(case_chronology_pdf(bundle_case, NOW), tmp_path).split())
    assert f"Case {bundle_case.reference} · Kōwhai Attendance Service" in text
    assert "Chronology Aroha Ngata" in text


def test_a_name_and_a_note_with_markup_characters_print_as_written(bundle_case, tmp_path):
    text = " ".join(pdf_text(case_chronology_pdf(bundle_case, NOW), tmp_path).split())
    assert f"with {MARKUP_GIVEN} {MARKUP_FAMILY}" in text
    assert MARKUP_NOTE in text


def test_a_corrected_entry_is_marked_before_its_correction(bundle_case, tmp_path):
    lines = pdf_text(case_chronology_pdf(bundle_case, NOW), tmp_path, "-layout").splitlines()
    (wrong,) = [i for i, line in enumerate(lines) if "Home visit: engaged" in line]
    (fixed,) = [i for i, line in enumerate(lines) if "Home visit: not found" in line]
    (marked,) = [i for i, line in enumerate(lines) if "CORRECTED" in line]
    assert wrong <= marked < fixed
    assert "(correction)" in lines[fixed] + lines[fixed + 1]


def test_the_chronology_pdf_is_pdf_a(bundle_case):
    pdf = case_chronology_pdf(bundle_case, NOW)
    assert pdf.startswith(b"%PDF-")
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf


def test_the_chronology_page_links_to_the_pdf_and_the_download_is_audited(
    bundle_case, caseworker, login
):
    client = login(caseworker)
    url = reverse("case_chronology_pdf", args=[bundle_case.pk])
    assert url.encode() in client.get(reverse("case_chronology", args=[bundle_case.pk])).content
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{bundle_case.reference}-chronology.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="download", detail__startswith=f"{bundle_case.reference}: chronology PDF"
    ).exists()


def test_another_services_caseworker_gets_404(bundle_case, other_caseworker, login):
    url = reverse("case_chronology_pdf", args=[bundle_case.pk])
    assert login(other_caseworker).get(url).status_code == 404
