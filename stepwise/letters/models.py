"""Letters sent on a case or by a school, each kept as the exact PDF with its SHA-256.

A Letter is evidence, like the engagement log: it is written once and never changed
or deleted (save and delete refuse); a download checks the file against its hash.
A service's letter belongs to a case and a person of it, recorded in the case's log;
a school's belongs to a student and a caregiver the school records, recorded as a
response activity ("Sent written communication"). A check constraint holds each
letter to exactly one of the two.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.cases.models import AppendOnlyError, Case, LogEntry, Person
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import Caregiver, School, Student


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
    # A school's: where Stepwise tells it that a service sent letters about its student.
    notices_email = models.EmailField(
        blank=True, help_text="Blank: notices go to the email address above, if any"
    )

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
    """One letter to one person, from a case or from a school, exactly as it was sent."""

    class Method(models.TextChoices):
        POST = "post", "Post"
        EMAIL = "email", "Email"
        HAND = "hand", "Hand-delivered"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF/A"
        DOCX = "docx", "Word (from the service's template)"

    # A service's letter: on a case, to a person of the case, in the case's log.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    log_entry = models.ForeignKey(
        LogEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    # A school's letter: about a student, to a caregiver, recorded as a response activity.
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    # The school's record goes when retention purges its response activities, and the
    # letter with it: it is kept exactly as long as the record of sending it.
    response_activity = models.OneToOneField(
        ResponseActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="letter"
    )
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
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "person", "sent_on"], name="letter_history"),
            models.Index(fields=["student", "caregiver", "sent_on"], name="school_letter_history"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        case__isnull=False,
                        person__isnull=False,
                        log_entry__isnull=False,
                        school__isnull=True,
                        student__isnull=True,
                        caregiver__isnull=True,
                        response_activity__isnull=True,
                    )
                    | models.Q(
                        case__isnull=True,
                        person__isnull=True,
                        log_entry__isnull=True,
                        school__isnull=False,
                        student__isnull=False,
                        caregiver__isnull=False,
                        response_activity__isnull=False,
                    )
                ),
                name="letter_from_a_case_or_a_school",
            )
        ]

    def __str__(self) -> str:
        return f"Letter {self.step} to {self.recipient_name} on {self.sent_on:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Evidence: a letter stays exactly as it was sent.
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("A sent letter is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("A sent letter is never deleted")

    @property
    def from_school(self) -> bool:
        return self.school_id is not None

    @property
    def recipient_name(self) -> str:
        if self.caregiver is not None:
            return f"{self.caregiver.given_name} {self.caregiver.family_name}"
        return self.person.full_name if self.person is not None else ""

    @property
    def file_name(self) -> str:
        if self.case is not None:
            about, to = self.case.reference, self.person_id
        else:
            about, to = f"{self.school.code}-{self.student.national_id}", self.caregiver_id  # type: ignore[union-attr]
        return f"{about}-letter-{self.step}-{to}-{self.sent_on}.{self.file_format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]


class LetterNotice(models.Model):
    """What a school is told when an attendance service sends letters about its student.

    One per letter sent from a case (to all its caregivers), shown on the student's
    page; emailed to the school where it set an address, without the family's names.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="letter_notices")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="letter_notices"
    )
    service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="school_notices")
    step = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    sent_on = models.DateField()
    method = models.CharField(max_length=10, choices=Letter.Method.choices)
    recipients = models.TextField(help_text="The caregivers' names, one a line")
    emailed_to = models.EmailField(blank=True)
    email_error = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.service} sent letter {self.step} on {self.sent_on:%Y-%m-%d}"


CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# One item takes a fraction of a second (an email perhaps a few): a batch silent this long
# has lost its worker.
STALLED_AFTER = timedelta(minutes=5)


class LetterBatch(models.Model):
    """One letter sent to many at once, in the background: who asked, progress, the outcome.

    A school's batch sends its first letter to the caregivers of every student who
    reached the pack's batch threshold this term; a service's sends a chosen letter
    across the cases it selected. Each item is sent or skipped with the reason; a
    letter the ladder refuses is skipped, never sent anyway.
    """

    class Kind(models.TextChoices):
        SCHOOL = "school", "A school's letter to students over a threshold"
        SERVICE = "service", "A service's letter across cases"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Sending"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped by an error"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="letter_batches"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="letter_batches"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    pack = models.CharField(max_length=20)
    letter_key = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    threshold = models.CharField(max_length=40, blank=True)  # a school batch's threshold
    sent_on = models.DateField()
    method = models.CharField(max_length=10, choices=Letter.Method.choices)
    reason = models.TextField()
    inputs = models.JSONField(default=dict, blank=True)  # what the letter asks the sender
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)  # items: students or cases
    done = models.PositiveIntegerField(default=0)  # items processed so far
    sent = models.PositiveIntegerField(default=0)  # letters sent (one per caregiver)
    skipped = models.PositiveIntegerField(default=0)  # items skipped
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the last item was counted: a running batch long silent has lost its worker.
    progressed_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)  # runs so far: 1, then 2 if resumed...
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(self.done * 100 / self.total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def stalled(self, now: datetime) -> bool:
        """Whether the batch has been sending without a word for STALLED_AFTER: its worker
        stopped (killed, or the machine restarted) and it may be resumed."""
        last = self.progressed_at or self.started_at
        return (
            self.status == self.Status.RUNNING and last is not None and now - last > STALLED_AFTER
        )

    @property
    def waiting(self) -> int:
        return self.total - self.done

    def resumable(self, now: datetime) -> bool:
        """Whether what is still waiting may be sent: the batch stalled or stopped by an error."""
        return self.waiting > 0 and (self.status == self.Status.FAILED or self.stalled(now))


class LetterBatchItem(models.Model):
    """One student (school) or case (service) of a batch, and what happened to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"

    batch = models.ForeignKey(LetterBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    threshold_event = models.ForeignKey(
        "standings.ThresholdEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(max_length=200)  # the student's name, or the case's reference
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)  # why it was skipped
    letters = models.ManyToManyField(Letter, blank=True, related_name="batch_items")

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="one_item_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.get_status_display()}"
