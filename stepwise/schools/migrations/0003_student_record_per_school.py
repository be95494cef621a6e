"""Give each school its own record of a child.

A student record was shared by every school that enrolled the child, so one school's
roster renamed the child at every other. Now a record belongs to one school: each
record goes to the school of its first enrolment, and a child enrolled at more than
one school gets a copy of the record for each other school, which takes over that
school's enrolment and everything the school holds about the child (caregiver links,
register, threshold events, responses, referrals and the cases they opened,
certificates, letters, notices and batch items).

Going back keeps the copies: unapplying fails on the unique national id while two
schools hold a record of one child.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Q, Subquery

# Where each kind of row points at a student record, and how to tell which school
# it belongs to: (app, model, the school's id as a filter).
HELD_BY_A_SCHOOL = [
    ("schools", "Enrolment", lambda school: Q(school_id=school)),
    ("schools", "StudentCaregiver", lambda school: Q(caregiver__school_id=school)),
    ("register", "RegisterTerm", lambda school: Q(term__school_id=school)),
    ("standings", "ThresholdEvent", lambda school: Q(term__school_id=school)),
    ("responses", "ResponseActivity", lambda school: Q(school_id=school)),
    ("referrals", "Referral", lambda school: Q(school_id=school)),
    (
        "cases",
        "Case",
        lambda school: Q(referral__school_id=school)
        | Q(referral__isnull=True, schools__school_id=school),
    ),
    ("certificates", "RegistrationCertificate", lambda school: Q(school_id=school)),
    ("letters", "Letter", lambda school: Q(school_id=school)),
    ("letters", "LetterNotice", lambda school: Q(school_id=school)),
    ("letters", "LetterBatchItem", lambda school: Q(batch__school_id=school)),
]


def give_each_school_its_own_record(apps, schema_editor):
    Student = apps.get_model("schools", "Student")
    Enrolment = apps.get_model("schools", "Enrolment")
    first = Enrolment.objects.filter(student_id=OuterRef("pk")).order_by("enrolled_from", "pk")
    Student.objects.update(school_id=Subquery(first.values("school_id")[:1]))
    shared = (
        Enrolment.objects.exclude(school_id=F("student__school_id"))
        .values_list("student_id", "school_id")
        .order_by("student_id", "school_id")
        .distinct()
    )
    for student_id, school_id in list(shared):
        record = Student.objects.get(pk=student_id)
        copy = Student.objects.create(
            school_id=school_id,
            national_id=record.national_id,
            given_name=record.given_name,
            family_name=record.family_name,
            birth_date=record.birth_date,
        )
        for app, model, held_by in HELD_BY_A_SCHOOL:
            rows = apps.get_model(app, model).objects.filter(held_by(school_id))
            rows.filter(student_id=student_id).update(student_id=copy.pk)
    # A record with no enrolment belongs to no school and no page can reach it; what
    # still hangs on it (nothing, when Stepwise made it) keeps it from being deleted.
    Student.objects.filter(school_id__isnull=True).delete()
    if schema_editor.connection.vendor == "postgresql":
        # Check the moved foreign keys now: PostgreSQL will not alter a table that still
        # has deferred checks waiting, and the next step makes the school required.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0002_termtarget"),
        # The rows that move to a school's own record, as they stand before this.
        ("register", "0002_register_rows_leave_room"),
        ("standings", "0001_initial"),
        ("responses", "0001_initial"),
        ("referrals", "0002_referral_decided_by"),
        ("cases", "0002_last_contact_index_holds_status"),
        ("certificates", "0001_initial"),
        ("letters", "0005_batch_resume_attempt"),
    ]

    operations = [
        migrations.AddField(
            model_name="student",
            name="school",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="students",
                to="schools.school",
            ),
        ),
        migrations.AlterField(
            model_name="student",
            name="national_id",
            field=models.CharField(
                help_text="National Student Number (NZ) or UPN (England).", max_length=40
            ),
        ),
        migrations.RunPython(give_each_school_its_own_record, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="student",
            name="school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="students",
                to="schools.school",
            ),
        ),
        migrations.AddConstraint(
            model_name="student",
            constraint=models.UniqueConstraint(
                fields=("school", "national_id"), name="one_record_per_school"
            ),
        ),
        migrations.AddIndex(
            model_name="student",
            index=models.Index(fields=["national_id"], name="student_national_id"),
        ),
    ]
