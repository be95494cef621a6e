"""What privacy work leaves behind: a tombstone for every purge, kept for good.

A tombstone says what kind of record was removed, how many, which ids, under which
rule, when, and by which run of `stepwise retention`. It never repeats the removed
records' content (no names, no national ids): only their database ids.
"""

from typing import Any, NoReturn

from django.db import models


class TombstoneQuerySet(models.QuerySet["Tombstone"]):
    def delete(self) -> NoReturn:  # type: ignore[override]
        raise TypeError("Tombstones are never deleted: they are the record of what was purged")


class Tombstone(models.Model):
    """One purge of one kind of record by one retention run."""

    kind = models.CharField(max_length=40, help_text="The record type, e.g. audit_event.")
    count = models.PositiveIntegerField()
    id_ranges = models.JSONField(
        default=list,
        help_text="The removed records' ids as [first, last] runs, e.g. [[1, 40], [52, 52]].",
    )
    first_id = models.BigIntegerField(null=True, blank=True)
    last_id = models.BigIntegerField(null=True, blank=True)
    cascaded = models.JSONField(
        default=dict,
        blank=True,
        help_text="Records removed with them, by model, e.g. {'register.RegisterTerm': 3}.",
    )
    rule = models.CharField(max_length=300, help_text="The retention rule, as it read.")
    years = models.PositiveSmallIntegerField()
    cutoff = models.DateField(help_text="Records whose clock ran out before this day went.")
    purged_at = models.DateTimeField()
    run = models.UUIDField(help_text="Shared by every tombstone of one retention run.")
    command = models.CharField(max_length=300, help_text="The command line of that run.")

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        ordering = ["-purged_at", "kind"]
        indexes = [models.Index(fields=["kind", "purged_at"])]

    def __str__(self) -> str:
        return f"{self.count} {self.kind} purged {self.purged_at:%Y-%m-%d} ({self.rule})"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise TypeError("Tombstones are never deleted: they are the record of what was purged")
