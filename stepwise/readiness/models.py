"""A case's readiness for a prosecution referral: attestations, routes, the referral's statuses.

Attestations and status changes are evidence, like the engagement log: written once,
never changed (save and delete refuse). A newer attestation of an item supersedes
the older one; both stay.
"""

from typing import Any

from django.conf import settings
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.cases.models import AppendOnlyError, Case, LogEntry, Person, ProsecutionReferral


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError(f"A {self._meta.verbose_name} is never changed: record another")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"A {self._meta.verbose_name} is never deleted")


class ReferralRoute(models.Model):
    """Where a service's prosecution referrals go: the Prosecutions team or the local authority."""

    service = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="referral_route",
        limit_choices_to={"kind": Organisation.Kind.SERVICE},
    )
    team = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.PROSECUTIONS},
    )
    email = models.EmailField(blank=True, help_text="Where the referral notification is sent")

    def __str__(self) -> str:
        return f"{self.service} → {self.team}"


class Attestation(AppendOnly):
    """A person's word on a checklist item the record cannot show by itself."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attestations")
    item_key = models.CharField(max_length=60)
    # For "cannot be contacted": which caregiver it is about.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(max_length=40)
    happened_on = models.DateField(help_text="When it was done or found out")
    note = models.TextField()
    evidence = models.ForeignKey(
        LogEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attested_at = models.DateTimeField()

    class Meta:
        ordering = ["-attested_at", "-pk"]
        indexes = [models.Index(fields=["case", "item_key"], name="attestation_item")]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.answer} ({self.case})"


class ReferralStatusChange(AppendOnly):
    """One change of a referral's status, with the team's note."""

    referral = models.ForeignKey(
        ProsecutionReferral, on_delete=models.PROTECT, related_name="changes"
    )
    status = models.CharField(max_length=20, choices=ProsecutionReferral.Status.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral}: {self.status}"
