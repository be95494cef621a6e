"""What a caseworker records for the checklist, and what the team sets on a referral."""

from django import forms
from django.utils import timezone

from stepwise.cases.forms import DateInput
from stepwise.cases.models import Case, LogEntry, ProsecutionReferral
from stepwise.cases.services import NOTES_MAX
from stepwise.rules.readiness import Item

EVIDENCE_CHOICES = 50  # the latest log entries offered as an attestation's evidence


class EvidenceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LogEntry) -> str:  # type: ignore[override]
        when = timezone.localtime(obj.happened_at)
        return f"{when:%d %b %Y}: {obj.get_kind_display()} – {obj.notes[:60]}"


class AttestationForm(forms.Form):
    happened_on = forms.DateField(
        widget=DateInput(),
        label="When",
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    note = forms.CharField(
        widget=forms.Textarea,
        max_length=NOTES_MAX,
        label="Who, what, and where the evidence is",
        error_messages={"required": "Say who, what and where the evidence is"},
    )

    def __init__(self, *args, case: Case, item: Item | None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["answer"] = forms.ChoiceField(
                choices=[(a.key, a.text) for a in item.answers],
                widget=forms.RadioSelect,
                label=item.text,
                help_text=item.prompt,
                error_messages={
                    "required": "Choose one of the answers",
                    "invalid_choice": "Choose one of the answers",
                },
            )
            self.order_fields(["answer", "happened_on", "note"])
        # The latest entries, as a list of pks: a sliced queryset offers its choices but
        # cannot look the chosen one up, so every choice would be refused.
        latest = case.log.order_by("-happened_at", "-pk").values_list("pk", flat=True)
        self.fields["evidence"] = EvidenceChoice(
            queryset=case.log.filter(pk__in=list(latest[:EVIDENCE_CHOICES])).order_by(
                "-happened_at", "-pk"
            ),
            required=False,
            label="Evidence in the log (optional)",
            empty_label="None",
            error_messages={"invalid_choice": "Choose an entry of this case's log"},
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ProsecutionReferral.Status.choices,
        widget=forms.RadioSelect,
        label="Status",
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status"},
    )
    note = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=NOTES_MAX,
        label="Decision note",
        help_text="Required when declining or returning the referral: the service sees it.",
    )
