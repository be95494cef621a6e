"""Enrolments in bulk, as arrays: an import and the evaluation after it share a country's."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass
class EnrolmentRows:
    """Enrolments, one array element per enrolment, in no particular order.

    `schools` says whose enrolments are all here: an evaluation may take a school's
    students from these arrays only if the school is in it.
    """

    schools: frozenset[int]
    school: np.ndarray  # int64 school ids
    student: np.ndarray  # int64 student ids
    year_level: np.ndarray  # int64
    enrolled_from: np.ndarray  # datetime64[D]
    enrolled_to: np.ndarray  # datetime64[D], NaT while the enrolment has no end

    @classmethod
    def from_rows(
        cls, schools: frozenset[int], rows: Sequence[tuple[int, int, int, str, str | None]]
    ) -> "EnrolmentRows":
        """Return the arrays of rows (school, student, year level, ISO from, ISO to or None)."""
        columns = list(zip(*rows, strict=True)) or [()] * 5
        return cls.from_columns(schools, *columns)

    @classmethod
    def from_columns(
        cls,
        schools: frozenset[int],
        school: Sequence[int],
        student: Sequence[int],
        year_level: Sequence[int],
        enrolled_from: Sequence[str],
        enrolled_to: Sequence[str | None],
    ) -> "EnrolmentRows":
        """Return the arrays of columns as read (dates in ISO, None for no end)."""
        return cls(
            schools,
            np.array(school, dtype=np.int64),
            np.array(student, dtype=np.int64),
            np.array(year_level, dtype=np.int64),
            np.array(enrolled_from, dtype="datetime64[D]"),
            # NumPy reads None as NaT too, but four times slower than the text.
            np.array(["NaT" if e is None else e for e in enrolled_to], dtype="datetime64[D]"),
        )

    def covers(self, school_pks) -> bool:
        """Return whether every enrolment of these schools is here."""
        return self.schools.issuperset(school_pks)

    def select(self, keep: np.ndarray) -> "EnrolmentRows":
        """Return the enrolments where `keep` holds (a mask or indices), in that order."""
        return EnrolmentRows(
            frozenset(),  # a part of each school's enrolments, perhaps
            self.school[keep],
            self.student[keep],
            self.year_level[keep],
            self.enrolled_from[keep],
            self.enrolled_to[keep],
        )

    def overlapping(self, first: date, last: date) -> np.ndarray:
        """Return which enrolments cover at least one day from `first` to `last`."""
        ends = self.enrolled_to
        return (self.enrolled_from <= np.datetime64(last, "D")) & (
            np.isnat(ends) | (ends >= np.datetime64(first, "D"))
        )
