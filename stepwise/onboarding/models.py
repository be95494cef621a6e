from django.conf import settings
from django.db import models

from stepwise.register.models import ImportRun
from stepwise.schools.models import School


class ImportUpload(models.Model):
    """A file uploaded on a school's page, imported by the background worker.

    The file waits here until the worker has imported or refused it, then its content
    is dropped: the import's record (ImportRun) keeps its name and SHA-256, and this
    row keeps what the page shows: progress, every problem, what changed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking rows"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Nothing to change"
        REJECTED = "rejected", "Not imported"
        FAILED = "failed", "Stopped by an error"

    FINISHED = (Status.IMPORTED, Status.UNCHANGED, Status.REJECTED, Status.FAILED)

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=20, choices=ImportRun.Kind.choices)
    # The import profile a register file is read through; blank for Stepwise's own CSV.
    profile = models.CharField(max_length=20, blank=True)
    file_name = models.CharField(max_length=300)
    content = models.BinaryField(blank=True)
    sha256 = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    lines = models.PositiveIntegerField(default=0)  # in the file, the header included
    lines_checked = models.PositiveIntegerField(default=0)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Every problem that stopped the file, as [line, column, message].
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}: {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        """Return how far the upload has gone: checking is most of the wait, then importing."""
        if self.finished:
            return 100
        if self.status == self.Status.IMPORTING:
            return 90
        if not self.lines:
            return 0
        return min(89, 90 * self.lines_checked // self.lines)
