"""Fix the day a child not enrolled anywhere left the roll on the case, not on each letter.

A case that already sent letters keeps the day its letters page offered them: the day
after the child's last enrolment ended, or the day the case opened. A case without
letters gets its day from its first letter.
"""

from datetime import timedelta

from django.db import migrations, models


def fix_since(apps, schema_editor):
    case_model = apps.get_model("cases", "Case")
    enrolment = apps.get_model("schools", "Enrolment")
    lettered = case_model.objects.filter(
        reason="not_enrolled", not_enrolled_since__isnull=True, log__kind="letter"
    ).distinct()
    for case in lettered.only("pk", "student_id", "opened_on"):
        last = (
            enrolment.objects.filter(student_id=case.student_id, enrolled_to__isnull=False)
            .order_by("-enrolled_to")
            .values_list("enrolled_to", flat=True)
            .first()
            if case.student_id is not None
            else None
        )
        since = last + timedelta(days=1) if last is not None else case.opened_on
        case_model.objects.filter(pk=case.pk).update(not_enrolled_since=since)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_prosecution_referral_lives_with_the_case"),
        ("schools", "0001_initial"),  # Enrolment, whatever came after
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="not_enrolled_since",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(fix_since, migrations.RunPython.noop),
    ]
