from django.conf import settings
from django.db import models

from stepwise.schools.models import School, Student
from stepwise.standings.models import ThresholdEvent


class Description(models.Model):
    """A school's wording for one kind of response, under a fixed Activity Response Type.

    Schools start with the pack's defaults; a school admin may add, rename, retire or
    reorder them. Recorded activities copy the text, so a rename never rewrites history.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="descriptions")
    response_type = models.CharField(max_length=40)  # a key of the pack's response types
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["response_type", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ResponseActivity(models.Model):
    """Something the school did about a student's absence, optionally at a threshold."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="response_activities")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="response_activities"
    )
    threshold_event = models.ForeignKey(
        ThresholdEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    response_type = models.CharField(max_length=40)
    description = models.ForeignKey(
        Description, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description_text = models.CharField(max_length=200, blank=True)  # as it read when recorded
    happened_on = models.DateField()
    done_by = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="Private to the school: never exported.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    batch = models.UUIDField(null=True, blank=True, help_text="Set when recorded for many at once.")

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]
        indexes = [models.Index(fields=["school", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.response_type} for {self.student} on {self.happened_on}"
