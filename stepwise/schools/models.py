from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from stepwise.accounts.models import Organisation
from stepwise.rules.calendar import TermDates
from stepwise.rules.pack import Pack, available_packs, load_pack

PACK_CHOICES = [(key, load_pack(key).name) for key in available_packs()]


class School(models.Model):
    """A school, the jurisdiction's rule pack it follows, and the organisation that runs it."""

    code = models.CharField(
        "school id", max_length=40, unique=True, help_text="The school_id used in import files."
    )
    school_number = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    pack = models.CharField("rule pack", max_length=20, choices=PACK_CHOICES)
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="school"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def rules(self) -> Pack:
        return load_pack(self.pack)


class CatchmentSchool(models.Model):
    """A school in an attendance service's catchment: the service takes its referrals.

    Whoever administers the installation sets it (the Organisations pages, `stepwise
    org covers`). A school refers only to a service whose catchment includes it, and a
    service accepts only such referrals.
    """

    service = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="catchment",
        limit_choices_to={"kind": Organisation.Kind.SERVICE},
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="catchments")

    class Meta:
        ordering = ["service__name", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "school"], name="one_catchment_school")
        ]

    def __str__(self) -> str:
        return f"{self.school.name}, in {self.service.name}'s catchment"

    def clean(self) -> None:
        if self.service_id and self.service.kind != Organisation.Kind.SERVICE:
            raise ValidationError({"service": "Choose an attendance service"})


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    year = models.PositiveSmallIntegerField(
        help_text="The school year, named by the calendar year it starts in."
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "number"], name="one_term_number"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return f"{self.year}T{self.number}"

    @property
    def dates(self) -> TermDates:
        return TermDates(self.key, self.name, self.year, self.start, self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class TermTarget(models.Model):
    """The school's regular-attendance target for a term (its Attendance Management Plan)."""

    term = models.OneToOneField(Term, on_delete=models.CASCADE, related_name="target")
    regular_percent = models.DecimalField(max_digits=5, decimal_places=1)

    def __str__(self) -> str:
        return f"{self.term}: {self.regular_percent}% attending regularly"


class ClosureDay(models.Model):
    """A weekday in term when the school is closed (besides public holidays).

    Closed for the whole day, or for one session of it (a half day): a day has one
    closure, so closing the other session of a half day makes it a whole day.
    """

    class Session(models.TextChoices):
        WHOLE_DAY = "", "Whole day"
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    session = models.CharField(
        max_length=2, choices=Session.choices, blank=True, default=Session.WHOLE_DAY
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="one_closure_a_day")]

    def __str__(self) -> str:
        when = f" ({self.get_session_display().lower()})" if self.session else ""
        return f"{self.date}{when}: {self.reason}"


class Student(models.Model):
    """One school's record of a child: the national id, and the name and birth date it holds.

    The national id is the country's, the record is the school's: a child known to two
    schools has a record at each, so one school's roster never changes what another
    school holds, and whatever hangs on a record (register, events, responses,
    caregivers, referrals, certificates) is that school's.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
    national_id = models.CharField(
        max_length=40, help_text="The national student id the school's rule pack names."
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "national_id"], name="one_record_per_school")
        ]
        # A roster import looks for other schools' records of its national ids.
        indexes = [models.Index(fields=["national_id"], name="student_national_id")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Enrolment(models.Model):
    """The school's enrolment of its record of a child (the record's own school, always)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="enrolments")
    year_level = models.PositiveSmallIntegerField()
    enrolled_from = models.DateField()
    enrolled_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "school"], name="one_enrolment_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.student} at {self.school}"

    def covers(self, day: date) -> bool:
        return self.enrolled_from <= day and (self.enrolled_to is None or day <= self.enrolled_to)


class Caregiver(models.Model):
    """A parent or carer, as the school's records name them."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="caregivers")
    ref = models.CharField("caregiver id", max_length=60)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    preferred_language = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "ref"], name="one_caregiver_ref")]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class StudentCaregiver(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="caregiver_links")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="student_links")
    relationship = models.CharField(max_length=60)
    lives_with_student = models.BooleanField()
    parental_responsibility = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "caregiver"], name="one_link_per_caregiver")
        ]

    def __str__(self) -> str:
        return f"{self.caregiver} ({self.relationship}) of {self.student}"
