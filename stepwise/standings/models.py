from django.db import models

from stepwise.schools.models import Student, Term


class ThresholdEvent(models.Model):
    """The day a student reached one of the pack's thresholds in a term.

    Evaluation keeps at most one active event per student, term and threshold. If
    an amendment takes the student back under the threshold, the event is
    withdrawn, never deleted: a school may already have responded to it.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="threshold_events")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="threshold_events")
    threshold = models.CharField(max_length=40)
    reached_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    detected_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reached_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "threshold"],
                condition=models.Q(status="active"),
                name="one_active_event_per_threshold",
            )
        ]
        indexes = [models.Index(fields=["term", "status"])]

    def __str__(self) -> str:
        return f"{self.student}: {self.threshold} on {self.reached_on}"
