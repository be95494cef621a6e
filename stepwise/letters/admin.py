"""Letter senders are set up here; Word templates and sent letters are read-only.

A Word template is uploaded on the organisation's Word templates page, which checks it
by filling it with sample values (stepwise.letters.word.services): the admin would skip
that check, so here it is read-only.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Letter, LetterSender, WordTemplate


@admin.register(LetterSender)
class LetterSenderAdmin(admin.ModelAdmin):
    list_display = ("organisation", "name", "signatory", "phone")


@admin.register(WordTemplate)
class WordTemplateAdmin(admin.ModelAdmin):
    list_display = ("organisation", "letter_key", "file_name", "uploaded_at", "sha256")
    exclude = ("content",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
