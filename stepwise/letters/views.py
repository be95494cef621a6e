"""How an organisation heads and signs its letters: the letter sender page.

Its admins, and an attendance service's managers, may set it
(stepwise.letters.access.get_stationery_organisation_for_user); a change is audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from stepwise.audit.services import audit_record

from .access import get_stationery_organisation_for_user
from .forms import SenderForm
from .models import LetterSender


@login_required
def letter_sender(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation = get_stationery_organisation_for_user(request.user, org_id)
    kept = LetterSender.objects.filter(organisation=organisation).first()
    form = SenderForm(
        request.POST or None,
        instance=kept or LetterSender(organisation=organisation, name=organisation.name),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            request=request,
            organisation=organisation,
            action="change",
            object_type="letter_sender",
            object_id=organisation.pk,
            detail="letter heading and signatory",
        )
        messages.success(request, "Saved: letters will be headed and signed like this.")
        return redirect("letter_sender", org_id=organisation.pk)
    return render(
        request,
        "letters/sender.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )
