from django.conf import settings
from django.db import models

from stepwise.schools.models import School, Student, Term


class ImportRun(models.Model):
    """One attempt to import a file: what, by whom, and how it ended."""

    class Kind(models.TextChoices):
        ROSTER = "roster", "Roster"
        CAREGIVERS = "caregivers", "Caregivers"
        REGISTER = "register", "Register"

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Nothing to change"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0, help_text="Records created or amended.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    message = models.TextField(blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    # The schools whose rows the file held (its school_id column): each school's
    # page of imports lists the runs that touched it.
    schools = models.ManyToManyField(School, blank=True, related_name="import_runs")
    # What changed, by name ("marks added": 120), and what the evaluation after a
    # register import found ("thresholds newly reached": 3), for the history page.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.file_name}: {self.get_outcome_display()}"


class RegisterTerm(models.Model):
    """A student's marks for one term: one byte per weekday session, indexing the pack's codes.

    Byte 2*d is the morning of the term's d-th weekday and 2*d+1 its afternoon;
    0 means no mark yet. Every change to a mark is also kept in `Amendment`.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="register_terms")
    # The unique (term, student) index serves lookups by term: no separate index.
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="register_rows", db_index=False
    )
    marks = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "student"], name="one_register_row")]

    def __str__(self) -> str:
        return f"{self.student} in {self.term}"


class Amendment(models.Model):
    """A mark that replaced an earlier one: the original entry must survive."""

    register = models.ForeignKey(RegisterTerm, on_delete=models.CASCADE, related_name="amendments")
    slot = models.PositiveSmallIntegerField()
    old_code = models.CharField(max_length=4)
    new_code = models.CharField(max_length=4)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="amendments")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"


class PendingEvaluation(models.Model):
    """A term whose register changed after its threshold events were last worked out.

    An import adds one for every term it changes; evaluating the term removes it. While
    it is there, every page showing the term's events says they may be behind.
    """

    term = models.OneToOneField(Term, on_delete=models.CASCADE, related_name="pending_evaluation")
    since = models.DateTimeField()  # the first import since the last evaluation

    def __str__(self) -> str:
        return f"{self.term}: register changed since {self.since:%Y-%m-%d %H:%M}"


class ImportCodeMapping(models.Model):
    """A school's meaning for a code its student management system writes: a local code or
    a vendor's sub-code (SIMS's I01, say) to a code of the school's rule pack.

    Kept per school and import profile; set and reviewed by the school's admin
    (`stepwise import-codes`). An import refuses a code that is neither the pack's own,
    nor mapped by the profile, nor here, naming it and this place to map it.
    """

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="import_code_mappings"
    )
    profile = models.CharField(max_length=20)
    local_code = models.CharField(max_length=20)
    code = models.CharField(max_length=4)

    class Meta:
        ordering = ["profile", "local_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "profile", "local_code"], name="one_import_code_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.local_code} → {self.code}"


class SchoolImportProfile(models.Model):
    """The import profile a school's register files use, saved so each import need not say."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="import_profile"
    )
    profile = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"{self.school}: {self.profile}"
