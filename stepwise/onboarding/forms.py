"""Forms of the installation's and organisations' admin pages."""

from django import forms

from stepwise.accounts.models import Organisation
from stepwise.schools.models import PACK_CHOICES, School

K = Organisation.Kind
PACKS = [("", "Select a rule pack"), *PACK_CHOICES]


def _schools() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=School.objects.order_by("name", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Schools it covers (its catchment)",
        help_text="A school refers only to a service whose catchment includes it.",
    )


def _services() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(kind=K.SERVICE).order_by("name", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Attendance services that refer to it",
        help_text="A service refers its cases to one team: choosing it here moves it from another.",
    )


class OrganisationForm(forms.Form):
    """Add (with a pack) or change (without) a school, service or team."""

    name = forms.CharField(max_length=200, error_messages={"required": "Enter its name"})

    def __init__(self, *args, kind: str, adding: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == K.SCHOOL:
            if adding:
                self.fields["code"] = forms.CharField(
                    label="School id",
                    max_length=40,
                    help_text="The school_id its import files use.",
                    error_messages={"required": "Enter the school_id its import files use"},
                )
            self.fields["school_number"] = forms.CharField(
                label="Official school number", max_length=40, required=False
            )
        if adding:
            self.fields["pack"] = forms.ChoiceField(
                label="Rule pack",
                help_text="The jurisdiction's rules: its codes, thresholds, words and letters.",
                error_messages={"required": "Select the rule pack of its jurisdiction"},
                choices=PACKS,
            )
        if kind == K.SERVICE:
            self.fields["schools"] = _schools()
        if kind == K.PROSECUTIONS:
            self.fields["services"] = _services()


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Their user name. The invitation link goes here when a mail server is set up.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@school.example",
        },
    )
    given_name = forms.CharField(label="Given name", max_length=150, required=False)
    family_name = forms.CharField(label="Family name", max_length=150, required=False)
    role = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": "Select their role"}
    )

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role, or end their membership"},
    )

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = roles  # type: ignore[attr-defined]
