"""A case keeps only the files its evidence needs, and hands every one back as a download.

Caseworkers attach PDFs, photos and scans, Word documents, plain text and emails. A web
page (or anything else a browser would run) is refused, and so is a file whose content
is not what its name says. A kept file is always served as an attachment, with its
name in UTF-8 (RFC 6266) and in ASCII, never shown inline on Stepwise's own origin.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from stepwise.cases.models import Attachment, LogEntry

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def record(client, case, *files: SimpleUploadedFile):
    return client.post(
        reverse("log_new", args=[case.pk]),
        {"kind": "whanau_hui", "happened_at": "2026-11-19T15:00", "attachments": list(files)},
    )


# (file name, content, the content type it is kept and served as)
ACCEPTED = [
    ("minutes.pdf", b"%PDF-1.7\n%minutes\n", "application/pdf"),
    ("photo.PNG", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png"),
    ("scan.jpeg", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
    ("scan.gif", b"GIF89a" + bytes(20), "image/gif"),
    ("phone photo.heic", bytes(4) + b"ftypheic" + bytes(20), "image/heic"),
    (
        "plan.docx",
        docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("old plan.doc", OLE2, "application/msword"),
    ("email from mum.msg", OLE2, "application/vnd.ms-outlook"),
    ("email.eml", b"From: hine@example.org\r\nSubject: Aroha\r\n\r\nKia ora", "message/rfc822"),
    ("notes.txt", "Kōrero with the whānau.\n".encode(), "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_each_kind_of_evidence_is_kept_and_served_as_a_download(
    login, caseworker, case, name, content, content_type
):
    client = login(caseworker)
    # The browser's word for the type is not trusted: Stepwise keeps the one it found.
    response = record(client, case, SimpleUploadedFile(name, content, content_type="text/html"))
    assert response.status_code == 302, response.content.decode()[:2000]
    kept = Attachment.objects.get()
    assert kept.content_type == content_type
    download = client.get(reverse("case_attachment", args=[case.pk, kept.pk]))
    assert download.content == content and download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment; filename=")


def test_a_file_with_a_name_in_another_script_downloads_never_shows_inline(login, caseworker, case):
    client = login(caseworker)
    record(client, case, SimpleUploadedFile("hui ā 王.pdf", b"%PDF-1.7\n", "application/pdf"))
    kept = Attachment.objects.get()
    response = client.get(reverse("case_attachment", args=[case.pk, kept.pk]))
    disposition = response["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"hui a _.pdf\"; filename*=UTF-8''hui%20%C4%81%20%E7%8E%8B.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


# (file name, content, what the caseworker is told)
REFUSED = [
    (
        "notes ā.html",
        b"<html><script>alert(document.cookie)</script></html>",
        "notes ā.html was not attached: .html files cannot be kept. Attach a PDF, an image "
        "(PNG, JPEG, GIF or HEIC), a Word document (.docx or .doc), plain text (.txt) or an "
        "email (.eml or .msg).",
    ),
    ("page.svg", b"<svg onload='alert(1)'/>", "page.svg was not attached: .svg files"),
    ("run.exe", b"MZ\x90\x00", "run.exe was not attached: .exe files cannot be kept"),
    ("README", b"hello", "README was not attached: files without an extension such as .pdf"),
    (
        "minutes.pdf",
        b"<html><body onload='steal()'>",
        "minutes.pdf was not attached: it is named as a PDF, but its content is not a PDF. "
        "Save it again as a PDF and attach that.",
    ),
    ("photo.png", b"%PDF-1.7", "photo.png was not attached: it is named as a PNG image"),
    ("notes.txt", b"\x00\x01binary", "notes.txt was not attached: it is named as a plain text"),
    ("plan.docx", b"PK\x03\x04not a zip", "plan.docx was not attached: it is named as a Word"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_a_file_a_case_does_not_need_is_refused_saying_why(
    login, caseworker, case, name, content, message
):
    before = LogEntry.objects.count()
    response = record(login(caseworker), case, SimpleUploadedFile(name, content, "text/plain"))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    # The error is on the attachments field, linked from the summary at the top.
    assert 'href="#id_attachments"' in page
    assert LogEntry.objects.count() == before and not Attachment.objects.exists()


def test_one_refused_file_keeps_the_others_out_too(login, caseworker, case):
    response = record(
        login(caseworker),
        case,
        SimpleUploadedFile("minutes.pdf", b"%PDF-1.7\n"),
        SimpleUploadedFile("page.html", b"<html>"),
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_file_kept_before_these_checks_is_served_as_bytes_to_save(login, caseworker, case):
    # An attachment stored with the type its browser claimed, before types were checked.
    entry = LogEntry.objects.create(
        case=case, kind="email", happened_at=timezone.now(), recorded_at=timezone.now()
    )
    kept = Attachment.objects.create(
        entry=entry, name="page.html", content_type="text/html", size=6, sha256="0" * 64,
        content=b"<html>",
    )  # fmt: skip
    response = login(caseworker).get(reverse("case_attachment", args=[case.pk, kept.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith('attachment; filename="page.html"')


def pdf_of(pages: int) -> bytes:
    from tests.readiness.conftest import blank_pdf

    return blank_pdf(pages)


def test_a_pdf_with_more_pages_than_the_cap_is_refused_saying_so(login, caseworker, case, settings):
    settings.UPLOAD_PDF_MAX_PAGES = 5
    client = login(caseworker)
    response = record(client, case, SimpleUploadedFile("minutes.pdf", pdf_of(6)))
    assert response.status_code == 400
    assert (
        "minutes.pdf was not attached: it has 6 pages, and an attached PDF may have at most 5"
        in response.content.decode()
    )
    assert record(client, case, SimpleUploadedFile("minutes.pdf", pdf_of(5))).status_code == 302


def test_a_file_over_the_size_cap_is_refused_without_reading_it_all(
    login, caseworker, case, settings
):
    settings.UPLOAD_ATTACHMENT_MAX_BYTES = 1000
    content = b"%PDF-1.7\n" + bytes(5000)
    response = record(login(caseworker), case, SimpleUploadedFile("scan.pdf", content))
    assert response.status_code == 400
    assert "scan.pdf was not attached: it is 5 KB, and a file may be at most 1000 bytes" in (
        response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_the_form_says_what_may_be_attached_and_how_much(login, caseworker, case):
    page = login(caseworker).get(reverse("log_new", args=[case.pk])).content.decode()
    assert "up to 5 files of 10 MB each" in page
    assert "a PDF of up to 500 pages" in page
