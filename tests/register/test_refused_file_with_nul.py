"""A refused file is recorded, whatever bytes it holds: PostgreSQL refuses NUL in text,
so a school id with a NUL byte must not reach the query that finds the schools it named."""

import pytest

from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.models import ImportRun


def test_a_refused_file_with_a_nul_byte_in_a_school_id_is_recorded(db):
    data = b"school_id,student_id,caregiver_id\nNZ\x00-0427,100000001,CG-1\n"
    with pytest.raises(ImportRejected):
        import_caregivers(data, file_name="caregivers.csv")
    run = ImportRun.objects.get()
    assert run.outcome == ImportRun.Outcome.REJECTED
    assert run.file_name == "caregivers.csv"
    assert not run.schools.exists()
