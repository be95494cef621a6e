"""What a sender confirms before a letter (or a batch) goes: the numbers, date, method, why."""

from typing import Any

from django import forms

from stepwise.accounts.models import Organisation
from stepwise.cases.forms import DateInput
from stepwise.cases.services import NOTES_MAX
from stepwise.rules.pack import LetterSet, LetterSpec

from .models import Letter, LetterSender
from .word.filling import MAX_BYTES

CONFIRM_PREFIX = "confirm_"


class LetterForm(forms.Form):
    """The confirmation form; its fields depend on the letter and what its words need."""

    def __init__(
        self,
        *args: Any,
        letter: LetterSpec,
        needs: set[str],
        refused: bool,
        recorded_in: str = "the engagement log",
        when: str = "now",  # when the ladder judged it: "now" or "on 3 May 2026"
        since_fixed: bool = False,  # the case gives the not-enrolled day: nobody changes it
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.when = when
        if "days_missed" in needs and "not_enrolled_since" not in needs:
            self.fields["days_missed"] = forms.DecimalField(
                label="School days missed this term",
                help_text="From the register where Stepwise has it: check it before sending.",
                min_value=0,
                max_digits=5,
                decimal_places=1,
                error_messages={"required": "Enter the school days missed this term"},
            )
        if "days_possible" in needs:
            self.fields["days_possible"] = forms.DecimalField(
                label="School days so far this term",
                min_value=1,
                max_digits=5,
                decimal_places=1,
                error_messages={"required": "Enter the school days so far this term"},
            )
        if "not_enrolled_since" in needs and not since_fixed:
            self.fields["not_enrolled_since"] = forms.DateField(
                label="Not enrolled at a school since",
                widget=DateInput(),
                error_messages={"required": "Enter the day the child was last enrolled"},
            )
        for needed in letter.inputs:
            self.fields[needed.key] = forms.CharField(
                label=needed.label, help_text=needed.hint, max_length=300
            )
        for p in letter.preconditions:
            self.fields[CONFIRM_PREFIX + p.key] = forms.BooleanField(
                label=f"I confirm: {p.text}", required=False
            )
        # The day the figures above are of: when the date on the letter changes, so do they.
        self.fields["figures_on"] = forms.DateField(widget=forms.HiddenInput, required=False)
        self.fields["sent_on"] = forms.DateField(
            label="Date on the letter",
            widget=DateInput(),
            error_messages={"required": "Enter the date on the letter"},
        )
        self.fields["method"] = forms.ChoiceField(
            label="How will it be sent?",
            choices=Letter.Method.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Select how the letter will be sent"},
        )
        self.fields["reason"] = forms.CharField(
            label="Why are you sending this letter?",
            help_text=f"Recorded in {recorded_in}: “sent … because …”.",
            widget=forms.Textarea,
            max_length=NOTES_MAX,
            error_messages={"required": "Say why you are sending this letter"},
        )
        if refused:
            self.fields["override_reason"] = forms.CharField(
                label=f"This letter is refused {when}. To send it anyway, say why",
                help_text=f"Kept with the letter and in {recorded_in}.",
                widget=forms.Textarea,
                required=False,
                max_length=NOTES_MAX,
            )

    def confirmed(self) -> frozenset[str]:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return frozenset(
            name.removeprefix(CONFIRM_PREFIX)
            for name, value in data.items()
            if name.startswith(CONFIRM_PREFIX) and value
        )


class SenderForm(forms.ModelForm):
    """How the organisation's letters are headed and signed."""

    class Meta:
        model = LetterSender
        fields = (
            "name",
            "address",
            "phone",
            "email",
            "signatory",
            "signatory_title",
            "notices_email",
        )
        labels = {
            "name": "Name at the top of the letter",
            "address": "Postal address",
            "phone": "Phone number caregivers should call",
            "email": "Email address (letters sent by email come from it)",
            "signatory": "Signed by",
            "signatory_title": "Their title",
            "notices_email": "Email address for notices",
        }
        help_texts = {
            "notices_email": "Where Stepwise tells the school that an attendance service sent "
            "letters about one of its students. Blank: the email address above, if any.",
        }
        widgets = {"address": forms.Textarea}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        if self.instance.organisation.kind != Organisation.Kind.SCHOOL:
            del self.fields["notices_email"]  # only schools are told of letters
        self.fields["phone"].error_messages["required"] = "Enter the phone number for letters"


class BatchForm(forms.Form):
    """What an officer or caseworker confirms before a batch of letters goes."""

    sent_on = forms.DateField(
        label="Date on the letters",
        widget=DateInput(),
        error_messages={"required": "Enter the date on the letters"},
    )
    method = forms.ChoiceField(
        label="How will they be sent?",
        choices=Letter.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the letters will be sent"},
    )
    reason = forms.CharField(
        label="Why are you sending these letters?",
        help_text="Recorded with every letter: “sent … because …”.",
        widget=forms.Textarea,
        max_length=NOTES_MAX,
        error_messages={"required": "Say why you are sending these letters"},
    )


class ServiceBatchForm(BatchForm):
    """A service's batch: one letter, chosen, across the cases it selects."""

    def __init__(
        self,
        *args: Any,
        letters: list[tuple[str, str]],
        cases: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"] = forms.ChoiceField(
            label="Letter",
            choices=letters,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose the letter to send",
                "invalid_choice": "Choose a letter a batch may send",
            },
        )
        self.fields["cases"] = forms.MultipleChoiceField(
            label="Cases",
            help_text="Each case's ladder decides for itself: a case it refuses is skipped, "
            "with the reason.",
            choices=cases,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Select at least one case",
                "invalid_choice": "Select cases of this service only",
            },
        )
        # The letter and the cases first, then the date, method and reason.
        self.order_fields(["letter", "cases", "sent_on", "method", "reason"])


class WordTemplateForm(forms.Form):
    """Upload a Word template for one of the organisation's letters (word/services.py checks it)."""

    letter = forms.ChoiceField(label="Letter")
    upload = forms.FileField(
        label="Word template (.docx)",
        error_messages={"required": "Choose the Word (.docx) file to upload"},
    )

    def __init__(self, *args: Any, letter_sets: list[LetterSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.titles = {
            letter.key: f"{s.label}: {letter.title}" for s in letter_sets for letter in s.letters
        }
        field = self.fields["letter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(self.titles.items())

    def clean_upload(self) -> bytes:
        """Return the file's bytes, refusing one over the size limit before reading it."""
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"A Word template must be {MAX_BYTES // (1024 * 1024)} MB or smaller"
            )
        self.file_name = upload.name
        return upload.read()
