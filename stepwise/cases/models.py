"""An attendance service's cases: the people, the engagement log, agencies and tasks.

The engagement log is evidence and append-only: LogEntry refuses updates and
deletes at the model and queryset level, its admin is read-only, and no view
edits it. A correction is a new entry that points at the one it corrects.
"""

from typing import Any

from django.conf import settings
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.referrals.models import Referral
from stepwise.schools.models import School, Student


class Case(models.Model):
    """A child an attendance service is working to bring back to school."""

    class Reason(models.TextChoices):
        CHRONIC_ABSENCE = "chronic_absence", "Chronic absence"
        NOT_ENROLLED = "not_enrolled", "Not enrolled anywhere"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        CLOSED = "closed", "Closed"

    class ClosedReason(models.TextChoices):
        RE_ENROLLED = "re_enrolled", "Re-enrolled"
        ATTENDANCE_IMPROVED = "attendance_improved", "Attendance improved"
        LEFT_COUNTRY = "left_country", "Left the country"
        EXEMPTION = "exemption", "Exemption granted"
        TRANSFERRED = "transferred", "Transferred to another service"
        OTHER = "other", "Other"

    class Origin(models.TextChoices):
        REFERRAL = "referral", "Referred by a school"
        DIRECT = "direct", "Opened by the service"
        TRANSFERRED = "transferred", "Transferred with its history"

    service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind": Organisation.Kind.SERVICE},
    )
    reference = models.CharField(max_length=40)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.CharField(max_length=30, choices=ClosedReason.choices, blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    # The school's record of the child, when the child is (or was) on a Stepwise roll.
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    # While the family explores another pathway or an exemption, formal letters are wrong.
    exploring_pathway = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    opened_on = models.DateField()
    # A child not enrolled anywhere: the day from which they were on no school's roll, as
    # the case's first letter gave it. Every later letter gives the same day.
    not_enrolled_since = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    # Denormalised from the log so caseloads filter and sort without reading it.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    transfer_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "reference"], name="one_case_reference")
        ]
        indexes = [
            models.Index(fields=["service", "status", "assigned_to"], name="case_caseload"),
            # With the status, "no contact in 14 days" is counted from the index alone.
            models.Index(fields=["service", "last_contact_at", "status"], name="case_last_contact"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS.get(self.status, "")


# The GOV.UK tag colour of a case's status, wherever it is shown: open and active in blue.
STATUS_TAGS: dict[str, str] = {
    Case.Status.ON_HOLD: "govuk-tag--yellow",
    Case.Status.CLOSED: "govuk-tag--grey",
}


class CaseSchool(models.Model):
    """A school involved in a case: one on Stepwise, or one named by a transferred record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def current(self) -> "PersonQuerySet":
        """Return the people still involved with the case: only they get letters."""
        return self.filter(ended_on__isnull=True)


class Person(models.Model):
    """The child, a caregiver or another adult with day-to-day care, as the service knows them.

    A change to the record keeps what it said before (PersonChange); a person whose
    involvement ends stays on the case with the date, who ended it and why.
    """

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        CAREGIVER = "caregiver", "Caregiver"
        OTHER_CARER = "other_carer", "Other adult with day-to-day care"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=20, choices=Role.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    national_id = models.CharField(max_length=20, blank=True)
    relationship = models.CharField(max_length=60, blank=True)
    lives_with_student = models.BooleanField(null=True, blank=True)
    parental_responsibility = models.BooleanField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    preferred_language = models.CharField(max_length=40, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["case", "role", "pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class PersonChange(models.Model):
    """One change to a person's record: each changed field as it was and became, who, why."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    changes = models.JSONField()  # {field name: [before, after]}, each as text
    reason = models.CharField(max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person}: {', '.join(self.changes)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Evidence of what the record said: written once, like the engagement log.
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("A change to a person's record is never changed")
        super().save(*args, **kwargs)


class SafetyFlag(models.Model):
    """A hazard at a home or with a person, shown to anyone about to plan a visit."""

    class Kind(models.TextChoices):
        AGGRESSIVE = "aggressive", "Aggressive behaviour"
        DOGS = "dogs", "Dogs"
        WEAPONS = "weapons", "Weapons"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safety_flags")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="safety_flags"
    )
    address = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"

    @property
    def where(self) -> str:
        return self.person.full_name if self.person else self.address


class AppendOnlyError(Exception):
    """An engagement log entry was about to be changed or deleted."""


class LogEntryQuerySet(models.QuerySet["LogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Engagement log entries are never changed: record a correction")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Engagement log entries are never deleted: record a correction")


class LogEntry(models.Model):
    """One thing that happened on a case: a contact attempt, a meeting, a letter."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        HOME_VISIT = "home_visit", "Home visit"
        MEETING = "meeting", "Meeting"
        WHANAU_HUI = "whanau_hui", "Whānau hui"
        VIA_SCHOOL = "via_school", "Via the school"
        TRUSTED_PERSON = "trusted_person", "Via a trusted person or community connection"
        AGENCY = "agency", "Via another agency"
        FORUM = "forum", "Multi-agency forum"
        MSD = "msd", "MSD contact"
        LETTER = "letter", "Letter"
        NOTE = "note", "Case note"

    class Outcome(models.TextChoices):
        ENGAGED = "engaged", "Engaged"
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Message left"
        DECLINED_SUPPORT = "declined_support", "Declined support"
        REFUSED = "refused", "Refused to engage"
        NOT_FOUND = "not_found", "Not found"
        UNSAFE = "unsafe", "Unsafe to proceed"
        NOT_APPLICABLE = "", "Not a contact attempt"

    class Support(models.TextChoices):
        NONE = "", "No support discussed"
        OFFERED = "offered", "Support offered"
        ACCEPTED = "accepted", "Support accepted"
        DECLINED = "declined", "Support declined"
        WITHDRAWN = "withdrawn", "Support withdrawn"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="log")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    support = models.CharField(max_length=20, choices=Support.choices, blank=True)
    people = models.ManyToManyField(Person, blank=True, related_name="log_entries")
    others_involved = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    happened_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who did it, as written by a previous provider for a transferred case.
    recorded_by_name = models.CharField(max_length=200, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    transferred = models.BooleanField(default=False)
    # A previous provider's letter: its step on the ladder, to the people of the entry.
    letter_step = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        verbose_name_plural = "log entries"
        indexes = [models.Index(fields=["case", "-happened_at"], name="log_case_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_at:%Y-%m-%d} ({self.case})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Evidence: once written, an entry stays as it was recorded.
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("Engagement log entries are never changed: record a correction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Engagement log entries are never deleted: record a correction")

    @property
    def is_contact_attempt(self) -> bool:
        return bool(self.outcome)


class Attachment(models.Model):
    """A file kept with a log entry exactly as uploaded, with its SHA-256."""

    entry = models.ForeignKey(LogEntry, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Attachments are kept exactly as uploaded")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Attachments are kept exactly as uploaded")


class Agency(models.Model):
    """Another agency involved with the family, and whether it leads."""

    class Kind(models.TextChoices):
        HEALTH = "health", "Health"
        CHILDREN = "children", "Oranga Tamariki / children's services"
        POLICE = "police", "Police"
        MSD = "msd", "MSD"
        COMMUNITY = "community", "Iwi or community provider"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agencies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    leads = models.BooleanField(default=False)
    added_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-leads", "name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A follow-up on a case with a due date: made by hand, or by the system after a letter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )  # None: made by Stepwise
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"], name="task_mine")]

    def __str__(self) -> str:
        return self.title


class TransferImport(models.Model):
    """One transferred-cases file a service imported, so a repeat changes nothing."""

    service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    cases = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "sha256"], name="one_transfer_per_file")
        ]

    def __str__(self) -> str:
        return self.file_name


class ReferralQuerySet(models.QuerySet["ProsecutionReferral"]):
    def live(self) -> "ReferralQuerySet":
        """Return referrals still with the team: not declined, not returned for more."""
        return self.exclude(status__in=ENDED)


class ProsecutionReferral(models.Model):
    """A case referred to the Prosecutions team (NZ) or the local authority (England).

    It lives with the case, below letters and readiness, because both must know whether
    a case is referred: a referral makes letters due. Readiness makes it and keeps its
    status changes; its table keeps the name it was created with in readiness.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        MEETING_ARRANGED = "meeting_arranged", "Meeting arranged"
        UNDER_REVIEW = "under_review", "Under review"
        PROCEEDING = "proceeding", "Proceeding"
        DECLINED = "declined", "Declined"
        RETURNED = "returned", "Returned for more information"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="prosecution_referrals")
    checklist = models.CharField(max_length=60)
    team = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # What the team was told: NZ carries the case reference and the service's contact only.
    notification = models.TextField()
    # The checklist as it stood, item by item, when the referral was made.
    checklist_snapshot = models.JSONField()
    bundle = models.BinaryField(null=True, blank=True)  # the zip the team receives (England)
    bundle_sha256 = models.CharField(max_length=64, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        db_table = "readiness_prosecutionreferral"
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} to {self.team} ({self.get_status_display()})"


# A referral returned for more information may be made again once put right.
ENDED = (ProsecutionReferral.Status.DECLINED, ProsecutionReferral.Status.RETURNED)
