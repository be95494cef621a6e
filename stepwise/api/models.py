from django.conf import settings
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.schools.models import School

DEFAULT_RATE_PER_MINUTE = 600


class ApiToken(models.Model):
    """A secret an organisation's system uses to call the API on the organisation's behalf.

    Only the SHA-256 of the token is stored: it is shown once, when created. `prefix`
    is its public first part, for finding the row and for telling tokens apart on
    the admin page. Each token acts as its own user (`user`, who cannot sign in), so
    what it records and reads is attributed to the token, not to the admin who made it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    sha256 = models.CharField(max_length=64)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    rate_per_minute = models.PositiveIntegerField(default=DEFAULT_RATE_PER_MINUTE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A push that succeeded under an Idempotency-Key, and the answer it got.

    Sending the same key with the same body again replays the answer and changes
    nothing; the same key with a different body is refused.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return self.key


class EdFiCodeMapping(models.Model):
    """Which of the school's rule-pack codes an Ed-Fi attendance event category means.

    `descriptor` is an AttendanceEventCategoryDescriptor, either the whole URI
    (uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence) or just
    its code value after the # (Unexcused Absence).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="edfi_mappings")
    descriptor = models.CharField(max_length=300)
    code = models.CharField(max_length=4)

    class Meta:
        ordering = ["descriptor"]
        constraints = [
            models.UniqueConstraint(fields=["school", "descriptor"], name="one_code_per_descriptor")
        ]

    def __str__(self) -> str:
        return f"{self.descriptor} → {self.code}"


class EdFiAttendanceEvent(models.Model):
    """A StudentSchoolAttendanceEvent posted at Ed-Fi's resource path, kept as a resource.

    Ed-Fi clients read, replace and delete what they posted by its `resource_id`; the
    natural key (student, school, term, date, category) finds it again when posted anew.
    The marks it gave are in the register; `body` is the resource as last sent.
    """

    resource_id = models.CharField(max_length=32, unique=True)  # Ed-Fi's id: 32 hex digits
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="edfi_events")
    student_unique_id = models.CharField(max_length=40)
    event_date = models.DateField()
    descriptor = models.CharField(max_length=300)
    school_year = models.PositiveSmallIntegerField()
    session_name = models.CharField(max_length=60)
    body = models.JSONField()
    last_modified = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_unique_id", "event_date", "descriptor",
                        "school_year", "session_name"],
                name="one_edfi_event_per_natural_key",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.student_unique_id} {self.event_date} {self.descriptor}"
