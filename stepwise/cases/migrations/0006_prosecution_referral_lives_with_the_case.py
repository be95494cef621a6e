"""The prosecution referral's model moves here from readiness; its table stays as it is.

Letters and readiness both need to know whether a case is referred, so the referral
lives with the case, below both. Only Django's record of the models changes: the
table keeps its name (Meta.db_table) and its rows. readiness 0002 lets go of it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0005_close_first_contact_tasks_after_contact"),
        ("readiness", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProsecutionReferral",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("checklist", models.CharField(max_length=60)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("submitted", "Submitted"),
                                    ("meeting_arranged", "Meeting arranged"),
                                    ("under_review", "Under review"),
                                    ("proceeding", "Proceeding"),
                                    ("declined", "Declined"),
                                    ("returned", "Returned for more information"),
                                ],
                                default="submitted",
                                max_length=20,
                            ),
                        ),
                        ("notification", models.TextField()),
                        ("checklist_snapshot", models.JSONField()),
                        ("bundle", models.BinaryField(blank=True, null=True)),
                        ("bundle_sha256", models.CharField(blank=True, max_length=64)),
                        ("made_at", models.DateTimeField()),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="prosecution_referrals",
                                to="cases.case",
                            ),
                        ),
                        (
                            "made_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "readiness_prosecutionreferral",
                        "ordering": ["-made_at", "-pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
