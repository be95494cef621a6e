"""The audit trail is append-only in the database itself, on SQLite and on PostgreSQL.

Raw SQL, not the ORM: whatever the application does, the database refuses to change
or remove an entry. The one way out is a retention purge, which opens a purge window
for events older than its cutoff, inside its own transaction only.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from stepwise.accounts.models import Organisation
from stepwise.audit.models import AuditEvent, PurgeWindow
from stepwise.audit.purge import audit_purge_window

AUCKLAND = ZoneInfo("Pacific/Auckland")
OLD = datetime(2019, 1, 1, 9, tzinfo=AUCKLAND)
RECENT = datetime(2026, 11, 19, 9, tzinfo=AUCKLAND)
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Kauri Test College", kind=Organisation.Kind.SCHOOL)


@pytest.fixture
def events(organisation):
    def event(at: datetime) -> AuditEvent:
        return AuditEvent.objects.create(
            organisation=organisation, action="view", object_type="student", object_id="1", at=at
        )

    return event(OLD), event(RECENT)


def refused(sql: str, *params: object) -> None:
    """Run the statement and check the database refuses it (the savepoint keeps the test going)."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_change_an_entry(events):
    old, _ = events
    refused(f"UPDATE {TABLE} SET detail = 'rewritten' WHERE id = %s", old.pk)
    refused(f"UPDATE {TABLE} SET user_id = NULL")
    assert AuditEvent.objects.get(pk=old.pk).detail == ""


def test_the_database_refuses_to_delete_an_entry(events):
    old, _ = events
    refused(f"DELETE FROM {TABLE} WHERE id = %s", old.pk)
    # SQLite empties a table with DELETE; PostgreSQL also with TRUNCATE, which waits for
    # no foreign key check still due in this transaction (the test's, not the app's).
    connection.check_constraints()
    refused(f"TRUNCATE {TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.count() == 2


def test_the_model_refuses_to_save_an_entry_twice(events):
    old, _ = events
    old.detail = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"):
        old.save()
    with pytest.raises(DatabaseError, match="append-only"):
        AuditEvent.objects.filter(pk=old.pk).update(detail="rewritten")


def test_a_purge_window_lets_only_older_entries_go_and_closes_with_its_purge(events):
    old, recent = events
    with audit_purge_window(before=RECENT - timedelta(days=1)):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [old.pk])
        refused(f"DELETE FROM {TABLE} WHERE id = %s", recent.pk)
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not PurgeWindow.objects.exists()
    refused(f"DELETE FROM {TABLE} WHERE id = %s", recent.pk)


def test_a_failed_purge_leaves_no_window_open(events):
    with (
        pytest.raises(RuntimeError, match="stopped"),
        audit_purge_window(before=RECENT + timedelta(days=1)),
    ):
        AuditEvent.objects.filter(at__lt=RECENT).delete()
        raise RuntimeError("stopped half way")
    assert AuditEvent.objects.count() == 2
    assert not PurgeWindow.objects.exists()


def test_deleting_a_user_keeps_their_name_on_what_they_did(organisation):
    officer = get_user_model().objects.create_user("aroha.kingi", password="pw-for-tests-only")
    event = AuditEvent.objects.create(
        user=officer, organisation=organisation, action="view", object_type="student", object_id="1"
    )
    assert event.username == "aroha.kingi"
    officer_id = officer.pk

    officer.delete()

    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.username == "aroha.kingi"
    assert kept.user_id == officer_id  # the id they had, though the user is gone


def test_an_organisation_with_an_audit_trail_cannot_be_deleted(events, organisation):
    with pytest.raises(DatabaseError), transaction.atomic():
        organisation.delete()
    assert AuditEvent.objects.count() == 2


def test_flushing_the_database_empties_the_audit_table_through_a_purge(events):
    connection.check_constraints()  # as above: PostgreSQL's TRUNCATE waits for no check
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert not PurgeWindow.objects.exists()
