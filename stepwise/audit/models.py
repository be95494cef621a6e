"""The audit trail: who looked at, downloaded, exported or changed what, and from where.

The table is append-only in the database itself: triggers refuse every UPDATE and
DELETE (and, on PostgreSQL, a TRUNCATE of a table that holds entries), whatever the
application or a person at a database prompt does. The one way an entry goes is a
retention purge, which opens a PurgeWindow inside its own transaction
(stepwise.audit.purge). A migration that rebuilds the table on SQLite (most
AlterFields do) drops its triggers: tests/audit/test_append_only.py then fails, and
the migration must create them again (see 0002_audit_event_append_only).
"""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, models
from django.utils import timezone

APPEND_ONLY = "Audit events are append-only: an entry is never changed"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise IntegrityError(APPEND_ONLY)


class AuditEvent(models.Model):
    """One audited read or change: a child's record, a list of children, a download."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"
        CHANGE = "change", "Changed"

    at = models.DateTimeField(default=timezone.now)
    # No database constraint and nothing done on delete: removing a user leaves their
    # entries as they were, and `username` still says who it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    # An organisation is not removed while its audit trail is kept.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    detail = models.CharField(max_length=300, blank=True)
    # A list's entry: the records it showed, as "student:12 student:15" or "case:7".
    listed = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise IntegrityError(APPEND_ONLY)
        if self.user is not None and not self.username:
            self.username = self.user.get_username()
        super().save(*args, **kwargs)

    @property
    def listed_records(self) -> list[str]:
        """Return the records a list showed, as "student 12", "case 7"."""
        return [ref.replace(":", " ") for ref in self.listed.split()]


class PurgeWindow(models.Model):
    """Entries older than `before` may be deleted while a row of this table exists.

    Only stepwise.audit.purge writes it, and removes its row in the same transaction:
    no other connection ever sees one (PostgreSQL), or can write meanwhile (SQLite).
    """

    before = models.DateTimeField()
    opened_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"audit purge of entries before {self.before:%Y-%m-%d %H:%M}"
