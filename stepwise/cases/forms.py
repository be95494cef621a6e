"""What caseworkers and managers type; the services check everything that needs the case."""

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.rules.pack import Pack
from stepwise.web.names import display_name
from stepwise.web.uploads import ACCEPTED, size_text

from .choices import agency_kind_choices, log_kind_choices, reason_choices
from .models import Case, LogEntry, Person, SafetyFlag
from .services import NOT_IN_FUTURE, NOTES_MAX, case_workers


def _required(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return display_name(obj)


def worker_field(service: Organisation, label: str, empty: str) -> WorkerChoice:
    return WorkerChoice(
        queryset=case_workers(service),
        required=False,
        label=label,
        empty_label=empty,
        error_messages={"invalid_choice": "Choose one of the service's caseworkers"},
    )


class DecisionForm(forms.Form):
    """A manager's decision on a referral in the triage inbox."""

    decision = forms.ChoiceField(
        choices=[
            ("accept", "Accept and open a case"),
            ("waitlist", "Put on the waitlist"),
            ("decline", "Decline"),
        ],
        widget=forms.RadioSelect,
        label="Decision",
        error_messages=_required("Choose whether to accept, waitlist or decline"),
    )
    note = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=NOTES_MAX,
        label="Reason (required to decline)",
        help_text="The school sees this reason with the referral's status.",
    )

    def __init__(self, *args, service: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assign_to"] = worker_field(
            service, "Assign the case to (when accepting)", "Nobody yet"
        )


class CaseOpenForm(forms.Form):
    reason = forms.ChoiceField(
        choices=(),  # the pack's, in __init__
        widget=forms.RadioSelect,
        label="Why is the case opened?",
        error_messages=_required("Select why the case is opened"),
    )
    given_name = forms.CharField(
        max_length=100,
        label="Child's given name",
        error_messages=_required("Enter the child's given name"),
    )
    family_name = forms.CharField(
        max_length=100,
        label="Child's family name",
        error_messages=_required("Enter the child's family name"),
    )
    birth_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Date of birth",
        error_messages={"invalid": "Enter the date of birth as a real date"},
    )
    national_id = forms.CharField(max_length=20, required=False)
    school_name = forms.CharField(max_length=200, required=False, label="Last school, if known")
    summary = forms.CharField(widget=forms.Textarea, required=False, max_length=NOTES_MAX)

    def __init__(self, *args, service: Organisation, pack: Pack, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reason_choices(pack)  # type: ignore[attr-defined]
        self.fields["national_id"].label = pack.word("student_id")
        self.fields["assign_to"] = worker_field(service, "Assign to", "Nobody yet")


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(
        choices=(),  # the pack's, in __init__
        label="What kind of contact or event?",
        error_messages=_required("Select what kind of contact or event this was"),
    )
    happened_at = forms.DateTimeField(
        widget=DateTimeInput(),
        label="When did it happen?",
        error_messages={
            "required": "Enter when it happened",
            "invalid": "Enter when it happened as a date and time",
        },
    )
    outcome = forms.ChoiceField(
        choices=[
            ("", "Not a contact attempt"),
            *[(v, lbl) for v, lbl in LogEntry.Outcome.choices if v],
        ],
        required=False,
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages=_required("Select the outcome"),
    )
    support = forms.ChoiceField(
        choices=LogEntry.Support.choices,
        required=False,
        label="Support",
        error_messages=_required("Select what happened about support"),
    )
    others_involved = forms.CharField(
        max_length=300,
        required=False,
        label="Anyone else involved",
    )
    notes = forms.CharField(widget=forms.Textarea, required=False, max_length=NOTES_MAX)

    def __init__(self, *args, case: Case, pack: Pack, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = log_kind_choices(pack)  # type: ignore[attr-defined]
        self.fields["others_involved"].help_text = pack.cases.others_involved_hint
        self.fields["people"] = forms.ModelMultipleChoiceField(
            queryset=case.people.current(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Who was involved?",
            error_messages={"invalid_choice": "Choose people on this case"},
        )
        # Drawn here, read by the view from request.FILES: the service checks each file.
        self.fields["attachments"] = forms.Field(
            required=False,
            widget=forms.FileInput,
            label="Attachments",
            help_text=f"Emails, minutes, letters, photos: up to "
            f"{settings.UPLOAD_ATTACHMENTS_PER_ENTRY} files of "
            f"{size_text(settings.UPLOAD_ATTACHMENT_MAX_BYTES)} each, as {ACCEPTED}; a PDF of "
            f"up to {settings.UPLOAD_PDF_MAX_PAGES} pages. Each is kept exactly as uploaded, "
            "with its SHA-256.",
        )
        self.fields["happened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class SafetyFlagForm(forms.Form):
    kind = forms.ChoiceField(
        choices=SafetyFlag.Kind.choices,
        widget=forms.RadioSelect,
        label="What is the concern?",
        error_messages=_required("Select the kind of safety concern"),
    )
    address = forms.CharField(
        max_length=300,
        required=False,
        label="Address (if the concern is about a place)",
    )
    note = forms.CharField(
        widget=forms.Textarea,
        max_length=NOTES_MAX,
        label="What should a colleague know before visiting?",
        error_messages=_required("Describe the concern so a colleague can plan around it"),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = forms.ModelChoiceField(
            queryset=case.people.current(),
            required=False,
            label="Person (if the concern is about someone)",
            empty_label="Not about one person",
            error_messages={"invalid_choice": "Choose a person on this case"},
        )
        self.order_fields(["kind", "person", "address", "note"])


class AgencyForm(forms.Form):
    kind = forms.ChoiceField(
        choices=(),  # the pack's, in __init__
        label="Kind of agency",
        error_messages=_required("Select the kind of agency"),
    )
    name = forms.CharField(
        max_length=200, label="Agency", error_messages=_required("Enter the agency's name")
    )
    contact = forms.CharField(max_length=200, required=False, label="Contact person and number")
    leads = forms.BooleanField(required=False, label="This agency leads with the family")

    def __init__(self, *args, pack: Pack, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = agency_kind_choices(pack)  # type: ignore[attr-defined]


class TaskForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="What needs doing?",
        error_messages=_required("Enter what needs doing"),
    )
    due_on = forms.DateField(
        widget=DateInput(),
        label="Due",
        error_messages={"required": "Enter the date it is due", "invalid": "Enter a real date"},
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"] = worker_field(case.service, "For", "The case's caseworker")


def yes_no_unknown(label: str) -> forms.TypedChoiceField:
    """Return a yes / no / not known question whose answer is True, False or None."""
    return forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not known")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=label,
    )


class PersonForm(forms.Form):
    role = forms.ChoiceField(
        choices=[c for c in Person.Role.choices if c[0] != Person.Role.CHILD],
        widget=forms.RadioSelect,
        label="Who are they?",
        error_messages=_required("Select who the person is"),
    )
    given_name = forms.CharField(
        max_length=100, label="Given name", error_messages=_required("Enter their given name")
    )
    family_name = forms.CharField(
        max_length=100, label="Family name", error_messages=_required("Enter their family name")
    )
    birth_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Date of birth (optional)",
        error_messages={"invalid": "Enter the date of birth as a real date"},
    )
    relationship = forms.CharField(max_length=60, required=False, label="Relationship to the child")
    lives_with_student = yes_no_unknown("Lives with the child")
    parental_responsibility = yes_no_unknown("Has parental responsibility")
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(
        required=False, error_messages={"invalid": "Enter an email address like name@example.org"}
    )
    address = forms.CharField(max_length=300, required=False)
    preferred_language = forms.CharField(max_length=40, required=False)
    duplicate_confirmed = forms.BooleanField(
        required=False, label="This is a different person: add them anyway"
    )

    def __iter__(self):
        # The duplicate box is shown only once the service has warned of a likely duplicate.
        for field in super().__iter__():
            if field.name != "duplicate_confirmed" or field.errors or field.value():
                yield field


class PersonEditForm(PersonForm):
    """Change a person's record, saying why; the child keeps the child's role."""

    reason = forms.CharField(
        max_length=300,
        label="Why the record changes",
        help_text="Kept with the change, beside what the record said before.",
        error_messages={"required": "Say why the record changes"},
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["duplicate_confirmed"]
        if person.role == Person.Role.CHILD:
            for name in ("role", "lives_with_student", "parental_responsibility"):
                del self.fields[name]


class PersonEndForm(forms.Form):
    ended_on = forms.DateField(
        widget=DateInput(),
        label="When did their involvement end?",
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    reason = forms.CharField(
        max_length=300,
        label="Why does it end?",
        help_text="For example: a duplicate of another person on the case, no longer has "
        "parental responsibility, moved away.",
        error_messages={"required": "Say why their involvement ends"},
    )

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(NOT_IN_FUTURE)
        return day


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Case.Status.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Select a status"),
    )
    closed_reason = forms.ChoiceField(
        choices=[("", "Not closed"), *Case.ClosedReason.choices],
        required=False,
        label="Reason for closing",
    )
    exploring_pathway = forms.BooleanField(
        required=False,
        label="The family is exploring another education pathway or an exemption",
        help_text="While this is ticked the case warns that formal letters are not appropriate.",
    )


class AssignForm(forms.Form):
    def __init__(self, *args, service: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assign_to"] = worker_field(service, "Caseworker", "Nobody")
