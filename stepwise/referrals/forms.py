from django import forms

from stepwise.accounts.models import Organisation
from stepwise.schools.models import School

from .choices import reason_choices
from .selectors import referral_services
from .services import SUMMARY_MAX


class ReferralForm(forms.Form):
    """What a school says when it refers a student; referral_create checks the rest."""

    service = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),  # the school's, in __init__
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the attendance service to refer to"},
    )
    reason = forms.ChoiceField(
        choices=(),  # in the school's words, in __init__
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the reason for the referral",
            "invalid_choice": "Select the reason for the referral",
        },
    )
    summary = forms.CharField(
        widget=forms.Textarea,
        max_length=SUMMARY_MAX,
        error_messages={
            "required": "Enter a summary of why you are referring the student",
            "max_length": f"Summary must be {SUMMARY_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the services whose catchment includes the school: another service's id
        # is refused here, naming the rule. Read per form, so a change shows at once.
        field = self.fields["service"]
        field.queryset = referral_services(school)  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = (
            f"Select one of the attendance services whose catchment includes {school.name}"
        )
        self.fields["reason"].choices = reason_choices(school.rules)  # type: ignore[attr-defined]
