"""Close the first-contact tasks of cases where a contact attempt was already logged.

From now on logging a contact closes the task; cases logged before stay overdue without
this, and an overdue task keeps a case from being "up to date" for a referral.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

FIRST_CONTACT_TITLE = "First contact with the family"


def close_tasks(apps, schema_editor):
    task = apps.get_model("cases", "Task")
    entry = apps.get_model("cases", "LogEntry")
    first = entry.objects.filter(case=OuterRef("case")).exclude(outcome="").order_by(
        "recorded_at", "pk"
    )
    open_tasks = task.objects.filter(
        title=FIRST_CONTACT_TITLE, created_by__isnull=True, done_at__isnull=True
    ).annotate(
        contact_at=Subquery(first.values("recorded_at")[:1]),
        contact_by=Subquery(first.values("recorded_by")[:1]),
    )
    for found in open_tasks.filter(contact_at__isnull=False):
        task.objects.filter(pk=found.pk).update(done_at=found.contact_at, done_by=found.contact_by)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_transferred_letter_steps")]

    operations = [migrations.RunPython(close_tasks, migrations.RunPython.noop)]
