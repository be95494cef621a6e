"""Forms for recording responses and editing Descriptions.

They check what a person typed and phrase each error as the GOV.UK Design System
does, naming the field. The templates render the GOV.UK markup by hand; `summary()`
gives the error summary's links in the order the fields appear.
"""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from stepwise.rules.pack import Pack
from stepwise.schools.models import Term
from stepwise.standings.models import ThresholdEvent

from .models import Description
from .services import DATE_LABEL, NOTES_MAX, REASON_MAX, TEXT_MAX, before_threshold


class DateParts(forms.MultiWidget):
    """The GOV.UK date input's three boxes: day, month, year."""

    def __init__(self) -> None:
        super().__init__(
            {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value: date | None) -> list[Any]:
        return [value.day, value.month, value.year] if value else [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages."""

    widget = DateParts

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(
            parts,
            require_all_fields=False,
            label=label,
            error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
            **kwargs,
        )
        for part in self.fields:
            part.required = False

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list:
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        missing = [name for name, v in (("day", day), ("month", month), ("year", year)) if not v]
        if len(missing) == 3:
            return None
        if missing:
            raise forms.ValidationError(f"{self.label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{self.label} must be a real date")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.label} must be a real date") from None


class GovukForm(forms.Form):
    """A form that lists its errors for the GOV.UK error summary."""

    # The id of the element each field's error links to, where it is not the field's name.
    anchors: dict[str, str] = {}

    def _choose_types(self, pack: Pack) -> None:
        field = self.fields["response_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.key, t.label) for t in pack.response_types]

    def anchor(self, name: str) -> str:
        return self.anchors.get(name, name)

    def summary(self) -> list[tuple[str, str]]:
        """Return (element id, message) for each error, in the order the fields appear."""
        found = []
        for name in [*self.fields, "__all__"]:
            for message in self.errors.get(name, []):
                found.append((self.anchor(name) if name != "__all__" else "", str(message)))
        return found


class ResponseForm(GovukForm):
    """What was done, when and by whom: shared by the one-student and the bulk form."""

    response_type = forms.ChoiceField(
        label="Activity response type",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the activity response type",
            "invalid_choice": "Select the activity response type",
        },
    )
    happened_on = GovukDateField(label=DATE_LABEL)
    done_by = forms.CharField(
        label="Who did it",
        max_length=TEXT_MAX,
        error_messages={
            "required": "Enter who did it",
            "max_length": f"Who did it must be {TEXT_MAX} characters or fewer",
        },
    )
    notes = forms.CharField(
        label="Private notes (optional)",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": f"Notes must be {NOTES_MAX:,} characters or fewer"},
    )

    anchors = {"happened_on": "happened_on"}

    def __init__(
        self,
        *args: Any,
        pack: Pack,
        descriptions: dict[str, list[Description]],
        term: Term,
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pack = pack
        self.term = term
        self.today = today
        self.descriptions = descriptions
        self._choose_types(pack)
        self.anchors = {
            **self.anchors,
            "response_type": f"response_type-{pack.response_types[0].key}"
            if pack.response_types
            else "response_type",
        }
        # One select per response type with Descriptions, revealed under its radio.
        for t in pack.response_types:
            if descriptions.get(t.key):
                self.fields[f"description_{t.key}"] = forms.ModelChoiceField(
                    queryset=Description.objects.filter(pk__in=[d.pk for d in descriptions[t.key]]),
                    required=False,
                    label="Description",
                    error_messages={"invalid_choice": "Select one of the school’s descriptions"},
                )
        # Each Description select sits under its type's radio, so its errors come next.
        names = list(self.fields)
        selects = [n for n in names if n.startswith("description_")]
        rest = [n for n in names if n not in selects]
        at = rest.index("response_type") + 1
        self.order_fields([*rest[:at], *selects, *rest[at:]])

    def description_field(self, key: str) -> str | None:
        name = f"description_{key}"
        return name if name in self.fields else None

    def clean_happened_on(self) -> date | None:
        day = self.cleaned_data.get("happened_on")
        if day is None:
            return day
        if day > self.today:
            raise forms.ValidationError(f"{DATE_LABEL} must be today or in the past")
        if day < self.term.start:
            raise forms.ValidationError(
                f"{DATE_LABEL} must be on or after {self.term.start:%-d %B %Y}, "
                f"the start of {self.term.name}"
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("response_type")
        data["description"] = None
        if key:
            field = self.description_field(key)
            if field:
                data["description"] = data.get(field)
                if data["description"] is None and field not in self.errors:
                    label = self.pack.response_type(key).label
                    self.add_error(field, f"Select a description for ‘{label}’")
        return data


class OneResponseForm(ResponseForm):
    """Record a response for one student, optionally at one of their threshold events."""

    event = forms.ModelChoiceField(
        queryset=ThresholdEvent.objects.none(),
        required=False,
        label="Threshold",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of the student’s thresholds, or none"},
    )

    field_order = ["event", "response_type", "happened_on", "done_by", "notes"]

    def __init__(self, *args: Any, events: QuerySet[ThresholdEvent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events  # type: ignore[attr-defined]
        self.anchors = {**self.anchors, "event": "event"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        event, day = data.get("event"), data.get("happened_on")
        if event is not None and day is not None and day < event.reached_on:
            self.add_error("happened_on", before_threshold(event, self.pack))
        return data


class BulkResponseForm(ResponseForm):
    """Record the same response at many threshold events, ticked in the queue."""

    events = forms.ModelMultipleChoiceField(
        queryset=ThresholdEvent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one student",
            "invalid_choice": "Select students from the queue",
            "invalid_pk_value": "Select students from the queue",
        },
    )

    field_order = ["events", "response_type", "happened_on", "done_by", "notes"]

    def __init__(
        self, *args: Any, events: QuerySet[ThresholdEvent], first_event: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = events  # type: ignore[attr-defined]
        self.anchors = {**self.anchors, "events": first_event or "events"}


def reason_field(what: str) -> forms.CharField:
    """Return the field that says why a response is corrected or withdrawn."""
    return forms.CharField(
        label=f"Why it is {what}",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": f"Say why the response is {what}",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )


class CorrectionForm(OneResponseForm):
    """Correct a response: what the record form asks, and why."""

    reason = reason_field("corrected")

    field_order = ["event", "response_type", "happened_on", "done_by", "notes", "reason"]


class WithdrawalForm(GovukForm):
    """Withdraw a response recorded in error, saying why."""

    reason = reason_field("withdrawn")


class DescriptionForm(GovukForm):
    text = forms.CharField(
        label="Description",
        max_length=TEXT_MAX,
        error_messages={
            "required": "Enter the description",
            "max_length": f"Description must be {TEXT_MAX} characters or fewer",
        },
    )


class NewDescriptionForm(DescriptionForm):
    response_type = forms.ChoiceField(
        label="Activity response type",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the activity response type",
            "invalid_choice": "Select the activity response type",
        },
    )

    field_order = ["response_type", "text"]

    def __init__(self, *args: Any, pack: Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choose_types(pack)
        if pack.response_types:
            self.anchors = {"response_type": f"response_type-{pack.response_types[0].key}"}
