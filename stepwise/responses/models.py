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


class ResponseActivityQuerySet(models.QuerySet["ResponseActivity"]):
    def effective(self) -> "ResponseActivityQuerySet":
        """Return the responses that still stand: neither replaced nor a withdrawal.

        Only these answer a threshold, count for timeliness and leave in an export.
        """
        return self.filter(withdrawn=False, correction__isnull=True)


class ResponseActivity(models.Model):
    """Something the school did about a student's absence, optionally at a threshold.

    A recorded response is never edited. A correction is a new record that points at
    the response it replaces (`corrects`), with who changed it, when and why; a
    withdrawal is such a record marked `withdrawn`, and answers nothing. Both keep the
    original's `recorded_at`: they change what was recorded, not when the school
    recorded it, so the 48-hour clock reads the first recording.
    """

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
    # Cascades: retention removes a student's responses at a school all together.
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="correction"
    )
    withdrawn = models.BooleanField(default=False)  # withdraws `corrects`; answers nothing
    change_reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]
        indexes = [models.Index(fields=["school", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.response_type} for {self.student} on {self.happened_on}"

    @property
    def replaced_by(self) -> "ResponseActivity | None":
        """Return the correction or withdrawal that replaced this response, if any."""
        try:
            return self.correction
        except ResponseActivity.DoesNotExist:
            return None
