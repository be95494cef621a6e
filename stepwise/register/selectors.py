"""Read stored register rows in bulk: imports and evaluations read whole terms."""

from collections.abc import Iterator

from django.db import connection

from .models import RegisterTerm

BATCH = 500  # term ids per query: keeps the IN list well inside every database's limits


def register_rows(
    term_pks: list[int], *, student_pks: list[int] | None = None
) -> Iterator[tuple[int, int, int, bytes]]:
    """Yield (row id, student id, term id, marks) for the terms' stored register rows.

    Raw SQL, not the ORM: a national day reads 830,000 rows, and model instances for
    them would cost more than the reading.
    """
    table = RegisterTerm._meta.db_table
    only = ""
    if student_pks is not None:
        only = f" AND student_id IN ({','.join(map(str, student_pks)) or 'NULL'})"
    with connection.cursor() as cursor:
        for i in range(0, len(term_pks), BATCH):
            pks = ",".join(map(str, term_pks[i : i + BATCH]))
            cursor.execute(
                f"SELECT id, student_id, term_id, marks FROM {table} WHERE term_id IN ({pks}){only}"
            )
            for pk, student_pk, term_pk, blob in cursor.fetchall():
                yield pk, student_pk, term_pk, bytes(blob)
