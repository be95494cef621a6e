"""The prosecution referral's model now lives in cases (cases 0006); its table stays.

Status changes point at the same table as before, so only Django's record of the
models changes here: nothing in the database.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_prosecution_referral_lives_with_the_case"),
        ("readiness", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referralstatuschange",
                    name="referral",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="cases.prosecutionreferral",
                    ),
                ),
                migrations.DeleteModel(name="ProsecutionReferral"),
            ],
            database_operations=[],
        ),
    ]
