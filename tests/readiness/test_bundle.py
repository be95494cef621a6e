"""The referral bundle: one PDF of cover, checklist, chronology, certificates, letters and
minutes; a zip of the stored files with a manifest of their hashes; refused if a file changed.

Who may see what (tests/readiness/conftest.py): the case's service staff download the
bundle; `other_caseworker` (Harbour Attendance Service) gets 404; `prosecutor` gets it
only through a referral made to their team, `other_prosecutor` never.
"""

import hashlib
import io
import json
import subprocess
import zipfile
from dataclasses import replace

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from stepwise.audit.models import AuditEvent
from stepwise.cases.models import Attachment
from stepwise.cases.services import Upload, log_entry_record
from stepwise.certificates.models import RegistrationCertificate
from stepwise.letters.models import Letter
from stepwise.readiness import services
from stepwise.readiness.bundle import BundleError, build, bundle_pdf, bundle_zip
from stepwise.readiness.services import referral_make

from .conftest import TODAY, at, blank_pdf

NOW = at(TODAY, 12)


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def unzip(data: bytes) -> tuple[dict[str, bytes], dict]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return files, json.loads(files.pop("manifest.json"))


def stored_pdfs(case) -> list[bytes]:
    """Return the stored PDFs the bundle prints after its chronology, in its order."""
    certificates = RegistrationCertificate.objects.filter(student=case.student)
    letters = Letter.objects.filter(case=case, file_format="pdf").order_by("sent_on", "pk")
    minutes = Attachment.objects.filter(entry__case=case, content_type="application/pdf")
    return [bytes(x.pdf) for x in [*certificates, *letters]] + [bytes(a.content) for a in minutes]


def test_the_bundle_is_the_cover_then_the_chronology_and_every_stored_pdf(bundle_case):
    made = build(bundle_case, NOW)
    reader = PdfReader(io.BytesIO(made.pdf))
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline[0] == ("Cover and checklist", 0)
    assert outline[1][0] == "Chronology of the case"
    cover = outline[1][1]  # the cover and checklist end where the chronology starts
    assert cover >= 2
    chronology = pages(made.parts[0].content)
    stored = stored_pdfs(bundle_case)
    assert len(stored) == 1 + 4 + 1  # a certificate, letters 1 and 3 to two caregivers, minutes
    assert len(reader.pages) == cover + chronology + sum(pages(pdf) for pdf in stored)
    assert [title for title, _ in outline[2:]] == [
        p.title for p in made.parts[1:] if not p.not_printed
    ]


def test_the_cover_holds_the_checklist_as_it_stands_and_lists_what_is_not_printed(
    bundle_case, tmp_path
):
    text = pdf_text(bundle_pdf(bundle_case, NOW), tmp_path)
    assert "Referral to the Ministry Prosecutions team" in text
    assert "The checklist as it stands when this bundle was printed: 5 met, 0 missing" in text
    assert "MET Letter 3 has gone to every caregiver with parental responsibility" in text
    assert "Sent to Hine Ngata, Rawiri Ngata." in text
    for docx in Letter.objects.filter(case=bundle_case, file_format="docx"):
        assert f"A Word document: in the zip only {docx.title}" in text or docx.sha256 in text
        assert docx.sha256 in text
    assert "notes from the hui.txt" in text and "Not a PDF: in the zip only" in text


def test_the_zip_holds_every_file_and_a_manifest_whose_hashes_match(bundle_case):
    data, sha = bundle_zip(bundle_case, NOW)
    assert sha == hashlib.sha256(data).hexdigest()
    files, manifest = unzip(data)
    assert manifest["case"] == bundle_case.reference
    assert sorted(files) == sorted(row["path"] for row in manifest["files"])
    for row in manifest["files"]:
        content = files[row["path"]]
        assert row["sha256"] == hashlib.sha256(content).hexdigest(), row["path"]
        assert row["size"] == len(content)
        assert row.get("stored_sha256", row["sha256"]) == row["sha256"]
    stored = {row["stored_sha256"] for row in manifest["files"] if "stored_sha256" in row}
    assert stored == (
        set(Letter.objects.filter(case=bundle_case).values_list("sha256", flat=True))
        | set(RegistrationCertificate.objects.values_list("sha256", flat=True))
        | set(Attachment.objects.filter(entry__case=bundle_case).values_list("sha256", flat=True))
    )
    kinds = [row["kind"] for row in manifest["files"]]
    assert kinds.count("letters") == 6 and kinds.count("minutes") == 2
    (whole,) = [row["path"] for row in manifest["files"] if row["kind"] == "bundle"]
    assert files[whole].startswith(b"%PDF-")
    assert any(path.endswith(".docx") for path in files)
    assert f"{bundle_case.reference}-chronology.pdf" in files


def test_an_uploaded_files_name_cannot_reach_outside_the_zips_folder(bundle_case, caseworker):
    log_entry_record(
        case=bundle_case, by=caseworker, kind="forum", happened_at=at(TODAY, 9),
        uploads=[Upload('../../"evil".pdf', "application/pdf", blank_pdf(1))],
        now=at(TODAY, 10),
    )  # fmt: skip
    files, _ = unzip(bundle_zip(bundle_case, NOW)[0])
    assert f"minutes/{TODAY}-.._.._evil_.pdf" in files
    for path in files:
        assert not path.startswith("/") and ".." not in path.split("/"), path


def test_minutes_that_do_not_read_as_a_pdf_are_listed_not_printed(bundle_case, caseworker):
    log_entry_record(
        case=bundle_case, by=caseworker, kind="whanau_hui", happened_at=at(TODAY, 9),
        uploads=[Upload("scan.pdf", "application/pdf", b"%PDF-1.7 a broken scan")],
        now=at(TODAY, 10),
    )  # fmt: skip
    made = build(bundle_case, NOW)
    (broken,) = [p for p in made.parts if p.title == "scan.pdf"]
    assert broken.reader is None and "Not readable as a PDF" in broken.not_printed
    outline = [item.title for item in PdfReader(io.BytesIO(made.pdf)).outline]
    assert "scan.pdf" not in outline and "minutes.pdf" in outline


def test_minutes_with_more_pages_than_the_cap_are_listed_not_printed(
    bundle_case, caseworker, settings
):
    # Kept before the cap on pages: the bundle still must not spend its time on them.
    log_entry_record(
        case=bundle_case, by=caseworker, kind="whanau_hui", happened_at=at(TODAY, 9),
        uploads=[Upload("whole year.pdf", "application/pdf", blank_pdf(7))], now=at(TODAY, 10),
    )  # fmt: skip
    settings.UPLOAD_PDF_MAX_PAGES = 5
    made = build(bundle_case, NOW)
    (long,) = [p for p in made.parts if p.title == "whole year.pdf"]
    assert long.reader is None
    assert long.not_printed == "7 pages, more than the 5 a bundle prints: in the zip only"
    outline = [item.title for item in PdfReader(io.BytesIO(made.pdf)).outline]
    assert "whole year.pdf" not in outline and "minutes.pdf" in outline


# (the table, its file column, the model: a stored file changed behind Stepwise's back)
TAMPERED = [
    ("letters_letter", "pdf", Letter),
    ("certificates_registrationcertificate", "pdf", RegistrationCertificate),
    ("cases_attachment", "content", Attachment),
]


@pytest.mark.parametrize(("table", "column", "model"), TAMPERED)
def test_a_changed_stored_file_stops_the_bundle_naming_the_file(bundle_case, table, column, model):
    kept = model.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",
            [bytes(getattr(kept, column)) + b"\n% a line added later\n", kept.pk],
        )
    name = kept.name if model is Attachment else kept.file_name
    with pytest.raises(BundleError, match="has changed since it was stored") as refused:
        bundle_zip(bundle_case, NOW)
    assert name in str(refused.value) and kept.sha256 in str(refused.value)


def test_the_download_of_a_bundle_with_a_changed_file_says_which_and_is_audited(
    bundle_case, caseworker, login
):
    letter = Letter.objects.filter(case=bundle_case, file_format="pdf").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE letters_letter SET pdf = %s WHERE id = %s", [b"%PDF-1.7 forged", letter.pk]
        )
    client = login(caseworker)
    for url in ("case_bundle_pdf", "case_bundle_zip"):
        response = client.get(reverse(url, args=[bundle_case.pk]))
        assert response.status_code == 409
        assert f"Letter {letter.file_name} has changed since it was stored" in (
            response.content.decode()
        )
    assert AuditEvent.objects.filter(detail__contains="referral bundle REFUSED").count() == 2


def test_the_service_downloads_the_bundle_and_each_download_is_audited(
    bundle_case, caseworker, login
):
    client = login(caseworker)
    page = client.get(reverse("case_readiness", args=[bundle_case.pk])).content.decode()
    assert "Build the bundle" in page
    pdf = client.get(reverse("case_bundle_pdf", args=[bundle_case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    archive = client.get(reverse("case_bundle_zip", args=[bundle_case.pk]))
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    sha = hashlib.sha256(archive.content).hexdigest()
    assert AuditEvent.objects.filter(action="download", detail__endswith=f"zip {sha}").exists()


def test_another_services_caseworker_gets_404(bundle_case, other_caseworker, login):
    client = login(other_caseworker)
    for name in ("case_bundle_pdf", "case_bundle_zip", "case_chronology_pdf"):
        assert client.get(reverse(name, args=[bundle_case.pk])).status_code == 404


def test_a_prosecutor_gets_the_bundle_only_of_a_case_referred_to_their_team(
    bundle_case, caseworker, prosecutor, other_prosecutor, login, client
):
    # Not referred yet: the team has no way in, nor through the service's own URLs.
    for name in ("case_bundle_pdf", "case_bundle_zip"):
        assert login(prosecutor).get(reverse(name, args=[bundle_case.pk])).status_code == 404
    referral = referral_make(case=bundle_case, by=caseworker, now=NOW)
    url = reverse("team_referral_bundle", args=[referral.pk])
    page = login(prosecutor).get(reverse("team_referral", args=[referral.pk]))
    assert url.encode() in page.content
    response = login(prosecutor).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    _, manifest = unzip(response.content)
    assert manifest["case"] == bundle_case.reference
    assert login(other_prosecutor).get(url).status_code == 404
    for name in ("case_bundle_pdf", "case_bundle_zip"):
        assert login(prosecutor).get(reverse(name, args=[bundle_case.pk])).status_code == 404


def test_new_zealands_referral_stores_no_bundle(bundle_case, caseworker):
    # The Prosecutions team is told the case reference and contact only.
    referral = referral_make(case=bundle_case, by=caseworker, now=NOW)
    assert referral.bundle is None and referral.bundle_sha256 == ""


@pytest.fixture
def with_the_bundle(monkeypatch):
    """Make the case's checklist send the bundle with the referral, as England's does."""
    readiness = services.case_readiness

    def as_england(case, today=None):
        found = readiness(case, today)
        return replace(found, checklist=replace(found.checklist, notification_only=False))

    monkeypatch.setattr(services, "case_readiness", as_england)


def test_a_referral_with_the_bundle_keeps_it_and_the_team_gets_it_as_sent(
    bundle_case, caseworker, prosecutor, login, with_the_bundle
):
    referral = referral_make(case=bundle_case, by=caseworker, now=NOW)
    kept = bytes(referral.bundle)
    assert referral.bundle_sha256 == hashlib.sha256(kept).hexdigest()
    _, manifest = unzip(kept)
    assert manifest["built_at"] == NOW.isoformat()
    response = login(prosecutor).get(reverse("team_referral_bundle", args=[referral.pk]))
    assert response.status_code == 200 and response.content == kept


def test_a_changed_stored_bundle_is_not_served_to_the_team(
    bundle_case, caseworker, prosecutor, login, with_the_bundle
):
    referral = referral_make(case=bundle_case, by=caseworker, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE readiness_prosecutionreferral SET bundle = %s WHERE id = %s",
            [bytes(referral.bundle) + b"extra", referral.pk],
        )
    response = login(prosecutor).get(reverse("team_referral_bundle", args=[referral.pk]))
    assert response.status_code == 409
    assert f"The bundle stored with referral {referral.pk}" in response.content.decode()
