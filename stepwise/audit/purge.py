"""The one way audit entries are removed: inside a purge window, for entries older than its cutoff.

The database refuses to delete an audit entry unless a PurgeWindow row covers it
(the triggers of migration 0002_audit_event_append_only). A window is opened and
closed inside one transaction, so it is never committed: on PostgreSQL no other
connection sees it, and SQLite lets no other connection write meanwhile. Entries at
or after the cutoff stay refused even while a window is open.

Callers: the retention purge (`stepwise retention`, stepwise.privacy.services) and
`flush` (tests and `manage.py flush` empty the whole database).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, transaction

from .models import AuditEvent, PurgeWindow

# A cutoff after every entry: for emptying the table.
EVERYTHING = datetime(9000, 1, 1, tzinfo=UTC)


@contextmanager
def audit_purge_window(*, before: datetime, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let audit entries older than `before` be deleted within this block's transaction."""
    with transaction.atomic(using=using):
        window = PurgeWindow.objects.using(using).create(before=before)
        yield
        PurgeWindow.objects.using(using).filter(pk=window.pk).delete()


def audit_purge_all(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete every audit entry (for flushing the whole database); return how many went."""
    with audit_purge_window(before=EVERYTHING, using=using):
        count, _ = AuditEvent.objects.using(using).all().delete()
    return count
