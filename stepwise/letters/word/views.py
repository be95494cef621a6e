"""An organisation's Word templates: the page that lists, uploads, replaces and removes them.

The organisation's admins and an attendance service's managers use it (looked up
through get_stationery_organisation_for_user: a caseworker gets 403, anyone outside
404). Every upload is checked by filling it with sample values before it is kept;
every change is audited.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stepwise.accounts.models import Organisation
from stepwise.audit.services import audit_record

from ..access import get_stationery_organisation_for_user
from ..forms import WordTemplateForm
from ..selectors import organisation_letter_sets, word_templates
from .filling import WORD_FIELDS, WordTemplateError
from .limits import described
from .services import word_template_add, word_template_remove


def _audit(request: HttpRequest, organisation: Organisation, letter_key: str, detail: str) -> None:
    audit_record(
        request=request,
        organisation=organisation,
        action="change",
        object_type="word_template",
        object_id=letter_key,
        detail=detail,
    )


@login_required
def templates(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation = get_stationery_organisation_for_user(request.user, org_id)
    letter_sets = organisation_letter_sets(organisation)
    form = WordTemplateForm(
        request.POST or None,
        request.FILES or None,
        letter_sets=letter_sets,
        initial={"letter": request.GET.get("letter", "")},
    )
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["letter"]
        try:
            kept = word_template_add(
                organisation=organisation,
                letter_key=key,
                file_name=form.file_name,
                content=form.cleaned_data["upload"],
                by=cast(User, request.user),
            )
        except WordTemplateError as e:
            form.add_error("upload", str(e))
        else:
            _audit(request, organisation, key, f"uploaded {kept.file_name} sha256 {kept.sha256}")
            messages.success(
                request, f"{kept.file_name} is now the Word template for {form.titles[key]}."
            )
            return redirect("word_templates", org_id=organisation.pk)
    kept_by_key = word_templates(organisation)
    return render(
        request,
        "letters/word_templates.html",
        {
            "organisation": organisation,
            "sets": [
                (s.label, [(letter, kept_by_key.get(letter.key)) for letter in s.letters])
                for s in letter_sets
            ],
            "form": form,
            "fields": sorted(WORD_FIELDS),
            "limits": described(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def template_remove(request: HttpRequest, org_id: int, key: str) -> HttpResponse:
    organisation = get_stationery_organisation_for_user(request.user, org_id)
    if not word_template_remove(organisation=organisation, letter_key=key):
        raise Http404("No such template")
    _audit(request, organisation, key, "removed: the built-in letter is sent again")
    messages.success(request, "Template removed: this letter is the built-in PDF again.")
    return redirect("word_templates", org_id=organisation.pk)
