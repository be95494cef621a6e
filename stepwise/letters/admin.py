"""Letter senders are set up here; sent letters are read-only evidence."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Letter, LetterSender


@admin.register(LetterSender)
class LetterSenderAdmin(admin.ModelAdmin):
    list_display = ("organisation", "name", "signatory", "phone")


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ("case", "step", "person", "method", "sent_on", "sha256")
    exclude = ("pdf",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
