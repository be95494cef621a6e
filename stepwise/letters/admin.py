"""Letter senders and Word templates are set up here; sent letters are read-only evidence."""

import hashlib
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from stepwise.rules.pack import available_packs, load_pack

from .models import Letter, LetterSender, WordTemplate
from .word import WORD_FIELDS, WordTemplateError, template_fields


def letter_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for key in available_packs():
        pack = load_pack(key)
        for letter in pack.letters.all_letters:
            seen.setdefault(letter.key, f"{pack.name}: {letter.title}")
    return sorted(seen.items(), key=lambda item: item[1])


@admin.register(LetterSender)
class LetterSenderAdmin(admin.ModelAdmin):
    list_display = ("organisation", "name", "signatory", "phone")


class WordTemplateForm(forms.ModelForm):
    """Upload a DOCX; every placeholder in it is checked against the fields Stepwise fills."""

    letter_key = forms.ChoiceField(label="Letter", choices=letter_choices)
    upload = forms.FileField(
        label="Word template (.docx)",
        help_text="Placeholders such as {{ caregiver }} may use only: "
        + ", ".join(sorted(WORD_FIELDS)),
    )

    class Meta:
        model = WordTemplate
        fields = ("organisation", "letter_key")

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        content = upload.read()
        try:
            self.found_fields = template_fields(content)
        except WordTemplateError as e:
            raise forms.ValidationError(str(e)) from e
        self.content = content
        return upload


@admin.register(WordTemplate)
class WordTemplateAdmin(admin.ModelAdmin):
    form = WordTemplateForm
    list_display = ("organisation", "letter_key", "file_name", "uploaded_at", "sha256")
    readonly_fields = ("file_name", "sha256", "fields", "uploaded_by", "uploaded_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A template is replaced by uploading a newer one, never edited in place.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: WordTemplate, form: Any, change: bool) -> None:
        obj.content = form.content
        obj.file_name = form.cleaned_data["upload"].name[:200]
        obj.sha256 = hashlib.sha256(form.content).hexdigest()
        obj.fields = ", ".join(sorted(form.found_fields))
        obj.uploaded_by = request.user if request.user.is_authenticated else None  # type: ignore[assignment]
        obj.uploaded_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = (
        "case",
        "school",
        "step",
        "recipient_name",
        "method",
        "file_format",
        "sent_on",
        "sha256",
    )
    list_select_related = ("case", "school", "person", "caregiver")
    exclude = ("pdf",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
