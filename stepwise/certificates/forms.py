from django import forms

from .models import RegistrationCertificate


class IssueForm(forms.Form):
    """Issue a certificate for one period; `confirm` is needed when it shows unresolved codes."""

    period = forms.ChoiceField(
        choices=RegistrationCertificate.Period.choices,
        error_messages={
            "required": "Period: choose this school year to date, or the whole previous year",
            "invalid_choice": "Period: choose this school year to date, or the whole previous year",
        },
    )
    school = forms.CharField(required=False, max_length=40)  # the school's id, on a case
    confirm = forms.BooleanField(required=False)
