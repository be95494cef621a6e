"""Registration certificates: a student's register for a school year, as issued, and what
changed in it afterwards.

A certificate is evidence, like a letter: the exact PDF with its SHA-256, written
once and never changed or deleted. Issuing one locks its days of the register: a
later import may still change a mark there (the school's register must stay
truthful), but each such change is kept as a PostCertificateChange.
"""

import re
from typing import Any

from django.conf import settings
from django.db import models

from stepwise.cases.models import AppendOnlyError
from stepwise.register.models import ImportRun
from stepwise.schools.models import School, Student


class RegistrationCertificate(models.Model):
    """One student's register at one school, from `first_day` to `last_day`, as issued."""

    class Period(models.TextChoices):
        THIS_YEAR = "this_year", "From the start of this school year to date"
        LAST_YEAR = "last_year", "The whole of the previous school year"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    # Kept as long as the student's record: the retention purge takes it with the register.
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="registration_certificates"
    )
    period = models.CharField(max_length=20, choices=Period.choices)
    school_year = models.PositiveSmallIntegerField(help_text="The school year's label")
    # The days printed, and the days of the register the certificate locks.
    first_day = models.DateField()
    last_day = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    issued_by_name = models.CharField(max_length=200)
    issued_for = models.CharField(max_length=200, help_text="The issuer's organisation")
    issued_at = models.DateTimeField()
    pdf = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The totals printed on it, as the rules engine counts them.
    possible = models.PositiveIntegerField()
    present = models.PositiveIntegerField()
    # A class's sessions, absent or not: a pack may count some justified codes as present.
    justified = models.PositiveIntegerField(
        help_text="Sessions with a justified or authorised code (the pack's words), including "
        "any the pack counts as present"
    )
    unjustified = models.PositiveIntegerField(
        help_text="Sessions with an unjustified or unauthorised code (the pack's words)"
    )
    missing = models.PositiveIntegerField(help_text="Open sessions on roll with no mark")
    unresolved_count = models.PositiveIntegerField(
        help_text="Sessions with a code the pack marks unresolved, to resolve first"
    )
    unresolved_codes = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["student", "-issued_at"], name="certificate_student"),
            # An import finds the certificates locking its schools' days in one query.
            models.Index(fields=["school", "last_day"], name="certificate_lock"),
        ]

    def __str__(self) -> str:
        return f"Registration certificate of {self.student} ({self.first_day} to {self.last_day})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Evidence: a certificate stays exactly as it was issued.
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("An issued certificate is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("An issued certificate is never deleted")

    @property
    def unresolved(self) -> int:
        """Return how many sessions on it carry a code that must be resolved (N, ?)."""
        return self.unresolved_count

    @property
    def changed_since_issue(self) -> bool:
        """Return whether an import changed a mark of its days after it was issued."""
        counted = getattr(self, "change_count", None)  # set by the selectors' annotation
        if counted is not None:
            return counted > 0
        return self.changes.exists()

    @property
    def file_name(self) -> str:
        student = re.sub(r"[^A-Za-z0-9_-]+", "-", self.student.national_id)
        return f"registration-certificate-{student}-{self.first_day}-{self.last_day}.pdf"


class PostCertificateChange(models.Model):
    """A mark an import changed inside a certificate's days after it was issued."""

    certificate = models.ForeignKey(
        RegistrationCertificate, on_delete=models.CASCADE, related_name="changes"
    )
    date = models.DateField()
    session = models.CharField(max_length=2)
    old_code = models.CharField(max_length=4, blank=True, help_text="Blank: there was no mark")
    new_code = models.CharField(max_length=4)
    # Import runs are purged after two years unless they amended marks (stepwise/privacy);
    # a change that filled an empty session made no amendment, so it may outlive its run.
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=300, help_text="The file the change came in")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "session", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.old_code or 'no mark'} → {self.new_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("A recorded change is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("A recorded change is never deleted")
