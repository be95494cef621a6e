from django.conf import settings
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.schools.models import School, Student


class Referral(models.Model):
    """A school's referral of a student to an attendance service."""

    class Reason(models.TextChoices):
        CHRONIC_ABSENCE = "chronic_absence", "Chronic absence"
        NOT_ENROLLED = "not_enrolled", "Not enrolled anywhere"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "Waitlisted"
        DECLINED = "declined", "Declined"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="referrals")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        limit_choices_to={"kind": Organisation.Kind.SERVICE},
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    summary = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decision_note = models.TextField(blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-referred_at"]

    def __str__(self) -> str:
        return f"{self.student} to {self.service} ({self.get_status_display()})"
