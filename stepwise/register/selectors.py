"""Read stored register rows in bulk: imports and evaluations read whole terms."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import connection

from stepwise.schools.models import ClosureDay, School, Term

from .models import ImportRun, PendingEvaluation, RegisterTerm

# Ids per IN list: a country's schools or terms in one query, so that the planner can
# choose one pass over the table rather than one per batch, yet well inside every
# database's limits on statement length.
BATCH = 10_000


def is_most_schools(count: int) -> bool:
    """Return whether `count` schools are a large share (over a quarter) of all schools."""
    return count * 4 > School.objects.count()


def ids_in(column: str, ids: list[int], *, most: bool = False) -> str:
    """Return the SQL condition `column IN (ids)`.

    With `most` (the ids select most of the table, as a whole country does), SQLite
    is told to read the table in storage order rather than follow the index to each
    row: it plans without statistics, and reaching 830,000 scattered rows one index
    probe at a time costs three to five times one pass over the table. PostgreSQL's
    planner makes that choice itself from its statistics.
    """
    if most and connection.vendor == "sqlite":
        column = f"+{column}"  # a unary plus is not the indexed column
    return f"{column} IN ({','.join(map(str, ids)) or 'NULL'})"


@dataclass
class TermRows:
    """A term's register rows, sorted by student: one row of `marks` per student."""

    ids: np.ndarray  # int64 RegisterTerm ids (0 for a row not stored yet)
    students: np.ndarray  # int64 student ids, ascending
    marks: np.ndarray  # uint8, (students, the term's register width)


def register_terms(
    term_pks: list[int], *, student_pks: list[int] | None = None, most: bool = False
) -> dict[int, TermRows]:
    """Return the terms' stored register rows by term id (terms without rows are left out).

    `most` says the terms are those of most schools (see `ids_in`).

    Raw SQL and arrays, not the ORM: a national day reads 830,000 rows, and model
    instances for them would cost more than the reading.
    """
    table = RegisterTerm._meta.db_table
    only = "" if student_pks is None else f" AND {ids_in('student_id', student_pks)}"
    found: list[tuple[int, int, int, bytes]] = []
    for i in range(0, len(term_pks), BATCH):
        of_terms = ids_in("term_id", term_pks[i : i + BATCH], most=most)
        found += _fetch_all(
            f"SELECT id, student_id, term_id, marks FROM {table} WHERE {of_terms}{only}"
        )
    if not found:
        return {}
    ids, students, terms, blobs = zip(*found, strict=True)
    row_id = np.array(ids, dtype=np.int64)
    term = np.array(terms, dtype=np.int64)
    student = np.array(students, dtype=np.int64)
    order = np.lexsort((student, term))
    bounds = np.flatnonzero(np.diff(term[order])) + 1
    rows = {}
    for run in np.split(order, bounds):
        # bytearray: writable, so an import can merge new marks into the rows in place.
        block = bytearray().join([blobs[i] for i in run.tolist()])
        rows[int(term[run[0]])] = TermRows(
            row_id[run],
            student[run],
            np.frombuffer(block, dtype=np.uint8).reshape(len(run), -1),
        )
    return rows


def _fetch_all(sql: str) -> list[tuple]:
    """Return the rows of a query without parameters.

    On PostgreSQL the rows come in binary, which Django's client-side cursors cannot
    ask for: bytea then travels as its bytes rather than as hex text twice as long,
    and a country's register arrives a third faster.
    """
    if connection.vendor == "postgresql":
        from psycopg import Cursor

        connection.ensure_connection()
        with Cursor(connection.connection) as cursor:
            return cursor.execute(sql, binary=True).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def pending_evaluation(term: Term) -> datetime | None:
    """Return when the term's register first changed after its last evaluation, or None."""
    return PendingEvaluation.objects.filter(term=term).values_list("since", flat=True).first()


def register_version(school: School) -> str:
    """Return a string that changes whenever the school's figures could have changed.

    Registers and rosters change only through imports; closures and term dates
    change the calendar. One small query, in SQL: every page of the school asks
    (terms come from `school.terms`, which the views prefetch).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.id, i.finished_at, c.n, c.last FROM "
            f"(SELECT COUNT(id) AS n, MAX(id) AS last FROM {ClosureDay._meta.db_table} "
            " WHERE school_id = %s) c "
            f"LEFT JOIN (SELECT id, finished_at FROM {ImportRun._meta.db_table} "
            " WHERE outcome = %s ORDER BY id DESC LIMIT 1) i ON 1 = 1",
            [school.pk, ImportRun.Outcome.IMPORTED.value],
        )
        last_import, finished_at, closures, last_closure = cursor.fetchone()
    dates = ",".join(f"{t.key}:{t.start}:{t.end}" for t in school.terms.all())
    return f"{last_import}:{finished_at}|{closures}:{last_closure}|{dates}"
