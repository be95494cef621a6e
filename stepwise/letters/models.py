"""Letters sent on a case, each kept as the exact PDF with its SHA-256, and who signs them.

A Letter is evidence, like the engagement log: it is written once and never changed
or deleted (save and delete refuse); a download checks the file against its hash.
"""

from typing import Any

from django.conf import settings
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.cases.models import AppendOnlyError, Case, LogEntry, Person


class LetterSender(models.Model):
    """How an organisation's letters are headed and signed."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="letter_sender"
    )
    name = models.CharField(max_length=200, blank=True, help_text="Blank: the organisation's name")
    address = models.TextField(blank=True, help_text="One line per line of the address")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    signatory = models.CharField(
        max_length=200, blank=True, help_text="Blank: the person who sends the letter"
    )
    signatory_title = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name or self.organisation.name


class WordTemplate(models.Model):
    """A service's own Word template for one letter; the newest upload for a letter is used."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="word_templates"
    )
    letter_key = models.CharField(max_length=40)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    fields = models.TextField(help_text="The placeholders it uses, checked when uploaded")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation", "letter_key", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.letter_key})"


class Letter(models.Model):
    """One letter to one person on a case, exactly as it was sent."""

    class Method(models.TextChoices):
        POST = "post", "Post"
        EMAIL = "email", "Email"
        HAND = "hand", "Hand-delivered"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF/A"
        DOCX = "docx", "Word (from the service's template)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="letters")
    pack = models.CharField(max_length=20)
    set_key = models.CharField(max_length=40)
    letter_key = models.CharField(max_length=40)
    step = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=10)
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_on = models.DateField()
    emailed_to = models.EmailField(blank=True)
    reason = models.TextField()
    # Set when the sender went ahead although the ladder refused the letter.
    refused_because = models.TextField(blank=True)
    override_reason = models.TextField(blank=True)
    file_format = models.CharField(max_length=10, choices=Format.choices, default=Format.PDF)
    pdf = models.BinaryField()  # the file as sent: PDF/A, or DOCX from a Word template
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    log_entry = models.ForeignKey(LogEntry, on_delete=models.PROTECT, related_name="letters")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["case", "person", "sent_on"], name="letter_history")]

    def __str__(self) -> str:
        return f"Letter {self.step} to {self.person} on {self.sent_on:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Evidence: a letter stays exactly as it was sent.
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("A sent letter is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("A sent letter is never deleted")

    @property
    def file_name(self) -> str:
        stem = f"{self.case.reference}-letter-{self.step}-{self.person_id}-{self.sent_on}"
        return f"{stem}.{self.file_format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]


CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
