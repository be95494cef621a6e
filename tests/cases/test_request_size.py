"""A request larger than any upload may be is refused before its body is read."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stepwise.cases.models import Case


def test_a_request_over_the_outer_cap_is_refused_unread(login, service, manager, settings):
    settings.REQUEST_MAX_BYTES = 2000
    response = login(manager).post(
        reverse("transfer_import", args=[service.pk]),
        {"file": SimpleUploadedFile("transfer.csv", b"x" * 5000, content_type="text/csv")},
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert text.startswith("This request is 5 KB: Stepwise accepts at most 2 KB in one request.")
    assert not Case.objects.exists()


def test_the_default_cap_takes_five_full_attachments(settings):
    assert settings.REQUEST_MAX_BYTES > 5 * settings.UPLOAD_ATTACHMENT_MAX_BYTES
