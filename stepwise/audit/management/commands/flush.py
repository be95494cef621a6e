"""Django's `flush`, emptying the append-only audit table through its purge window first.

The audit table's triggers refuse the DELETE (SQLite) or TRUNCATE (PostgreSQL) that
Django's flush runs while the table holds entries, so its entries go first through
the one documented way out, stepwise.audit.purge. Tests flush after each
transactional test; nothing else in Stepwise flushes a database.
"""

from django.core.management.commands import flush

from stepwise.audit.purge import audit_purge_all


class Command(flush.Command):
    def handle(self, **options) -> None:
        if options["interactive"]:
            answer = input(
                "You have requested a flush of the database, which removes ALL DATA, "
                "the audit trail included.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
        audit_purge_all(using=options["database"])
        super().handle(**{**options, "interactive": False})
