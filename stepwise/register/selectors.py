"""Read stored register rows in bulk: imports and evaluations read whole terms."""

from dataclasses import dataclass

import numpy as np
from django.db import connection

from .models import RegisterTerm

BATCH = 500  # term ids per query: keeps the IN list well inside every database's limits


@dataclass
class TermRows:
    """A term's register rows, sorted by student: one row of `marks` per student."""

    ids: np.ndarray  # int64 RegisterTerm ids (0 for a row not stored yet)
    students: np.ndarray  # int64 student ids, ascending
    marks: np.ndarray  # uint8, (students, the term's register width)


def register_terms(
    term_pks: list[int], *, student_pks: list[int] | None = None
) -> dict[int, TermRows]:
    """Return the terms' stored register rows by term id (terms without rows are left out).

    Raw SQL and arrays, not the ORM: a national day reads 830,000 rows, and model
    instances for them would cost more than the reading.
    """
    table = RegisterTerm._meta.db_table
    only = ""
    if student_pks is not None:
        only = f" AND student_id IN ({','.join(map(str, student_pks)) or 'NULL'})"
    found: list[tuple[int, int, int, bytes]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(term_pks), BATCH):
            pks = ",".join(map(str, term_pks[i : i + BATCH]))
            cursor.execute(
                f"SELECT id, student_id, term_id, marks FROM {table} WHERE term_id IN ({pks}){only}"
            )
            found += cursor.fetchall()
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
