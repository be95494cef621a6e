"""Downloads of the chronology PDF and the referral bundle, for the case's service and the team.

The service's staff find the case through get_case_for_user; a prosecutions team or
local authority only through a referral made to it (get_team_referral_for_user), and
gets the bundle stored with the referral when there is one. Every download is
audited with the file's SHA-256; one refused because a stored file changed, too.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from stepwise.accounts.models import Organisation
from stepwise.audit.services import audit_record
from stepwise.cases.access import get_case_for_user
from stepwise.cases.models import Case
from stepwise.readiness.access import get_team_referral_for_user
from stepwise.web.files import download

from .bundle import (
    BundleError,
    build,
    bundle_zip,
    case_chronology_pdf,
    chronology_file_name,
    zip_file_name,
)

ZIP = "application/zip"
PDF = "application/pdf"


def _audit(request: HttpRequest, case: Case, organisation: Organisation, detail: str) -> None:
    audit_record(
        request=request,
        organisation=organisation,
        action="download",
        object_type="case",
        object_id=case.pk,
        detail=f"{case.reference}: {detail}",
    )


def _refused(request: HttpRequest, case: Case, error: BundleError, back_url: str) -> HttpResponse:
    return render(
        request,
        "readiness/bundle_refused.html",
        {"case": case, "error": str(error), "back_url": back_url},
        status=409,
    )


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@login_required
def chronology_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    content = case_chronology_pdf(found)
    _audit(request, found, found.service, f"chronology PDF {_sha(content)}")
    return download(content, PDF, chronology_file_name(found))


@login_required
def bundle_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    try:
        made = build(found)
    except BundleError as error:
        _audit(request, found, found.service, f"referral bundle REFUSED: {error}")
        return _refused(request, found, error, reverse("case_readiness", args=[found.pk]))
    _audit(request, found, found.service, f"referral bundle PDF {_sha(made.pdf)}")
    return download(made.pdf, PDF, made.file_name)


@login_required
def bundle_zip_download(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_case_for_user(request.user, pk)
    try:
        content, sha = bundle_zip(found)
    except BundleError as error:
        _audit(request, found, found.service, f"referral bundle REFUSED: {error}")
        return _refused(request, found, error, reverse("case_readiness", args=[found.pk]))
    _audit(request, found, found.service, f"referral bundle zip {sha}")
    return download(content, ZIP, zip_file_name(found))


@login_required
def team_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_team_referral_for_user(request.user, pk)
    case, back = referral.case, reverse("team_referral", args=[referral.pk])
    try:
        if referral.bundle is not None:
            # The bundle as it was sent with the referral: served only if still intact.
            content = bytes(referral.bundle)
            sha = _sha(content)
            if sha != referral.bundle_sha256:
                raise BundleError(
                    f"The bundle stored with referral {referral.pk} ({zip_file_name(case)}) has "
                    f"changed since it was sent: its SHA-256 is now {sha}, the record says "
                    f"{referral.bundle_sha256}."
                )
        else:
            content, sha = bundle_zip(case)
    except BundleError as error:
        _audit(request, case, referral.team, f"referral bundle REFUSED: {error}")
        return _refused(request, case, error, back)
    _audit(request, case, referral.team, f"referral bundle zip {sha}")
    return download(content, ZIP, zip_file_name(case))
