"""Make the audit trail append-only in the database, and keep who did what when a user goes.

Triggers refuse every UPDATE and DELETE of an audit entry, except the DELETE of an
entry older than an open purge window (stepwise.audit.purge); on PostgreSQL a
TRUNCATE too while the table holds entries. Each entry keeps its user's name.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import migrations, models



REFUSE_CHANGE = "Audit events are append-only: an entry is never changed"
REFUSE_DELETE = "Audit events are append-only: only a retention purge removes an entry"
REFUSE_TRUNCATE = "Audit events are append-only: a table that holds entries is not truncated"

SQLITE = [
    f"""CREATE TRIGGER audit_event_refuse_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{REFUSE_CHANGE}'); END""",
    f"""CREATE TRIGGER audit_event_refuse_delete BEFORE DELETE ON audit_auditevent
    WHEN NOT EXISTS (
        SELECT 1 FROM audit_purgewindow WHERE julianday(OLD."at") < julianday("before")
    )
    BEGIN SELECT RAISE(ABORT, '{REFUSE_DELETE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_refuse_update",
    "DROP TRIGGER IF EXISTS audit_event_refuse_delete",
]

POSTGRESQL = [
    f"""CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION '{REFUSE_CHANGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM audit_purgewindow WHERE OLD."at" < "before") THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{REFUSE_DELETE}' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    f"""CREATE FUNCTION audit_event_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_auditevent) THEN
            RAISE EXCEPTION '{REFUSE_TRUNCATE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_refuse_truncate()",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_refuse_change()",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def add_triggers(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def remove_triggers(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE})


def copy_usernames(apps, schema_editor):
    """Copy each entry's user's name onto it, before the triggers forbid changing it."""
    users = apps.get_model(settings.AUTH_USER_MODEL)
    field = users._meta.get_field(get_user_model().USERNAME_FIELD).column
    qn = schema_editor.quote_name
    schema_editor.execute(
        f"UPDATE audit_auditevent SET username = (SELECT u.{qn(field)} FROM "
        f"{qn(users._meta.db_table)} u WHERE u.{qn(users._meta.pk.column)} = audit_auditevent.user_id) "
        "WHERE user_id IS NOT NULL",
        params=None,
    )



class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PurgeWindow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('before', models.DateTimeField()),
                ('opened_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.AddField(
            model_name='auditevent',
            name='listed',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='username',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('list', 'Listed'), ('download', 'Downloaded'), ('export', 'Exported'), ('change', 'Changed')], max_length=20),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='organisation',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='user',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(copy_usernames, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
