"""Each school holds its own record of a child: another school's roster never changes it.

Kauri Test College (NZ-1) holds Aroha Ngata, 100000001. Rimu School (NZ-2) imports a
roster naming the same national id with other details: Rimu gets a record of its own,
is warned about the row, and Kauri's record, enrolment and audit log tell the story.
"""

import pytest

from stepwise.audit.models import AuditEvent
from stepwise.onboarding.organisations import school_setup
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import Enrolment, Student
from tests.conftest import ROSTER_HEADER, TODAY, csv_bytes

CONFLICT = "NZ-2,100000001,Renamed,Outsider,2015-01-01,3,2026-02-02,"


@pytest.fixture
def rimu(nz_roster):
    return school_setup(code="NZ-2", name="Rimu School", pack="nz", today=TODAY)


def record(code: str, national_id: str = "100000001") -> tuple:
    found = Student.objects.get(enrolments__school__code=code, national_id=national_id)
    enrolment = found.enrolments.get()
    return (found.given_name, found.family_name, str(found.birth_date), enrolment.year_level)


def test_a_roster_row_never_renames_another_schools_child(rimu):
    import_roster(csv_bytes(ROSTER_HEADER, CONFLICT), file_name="rimu.csv")
    assert record("NZ-1") == ("Aroha", "Ngata", "2011-03-04", 10)
    assert record("NZ-2") == ("Renamed", "Outsider", "2015-01-01", 3)


def test_a_conflicting_row_is_imported_with_a_warning_naming_the_row(rimu):
    result = import_roster(
        csv_bytes(ROSTER_HEADER, "NZ-2,100000077,Kiri,Tane,2014-01-01,5,2026-02-02,", CONFLICT),
        file_name="rimu.csv",
    )
    assert [str(w) for w in result.warnings] == [
        "line 3, column student_id: another school holds a different name or birth date for "
        "100000001; this row is imported as Rimu School's own record and changes nothing "
        "another school holds"
    ]
    assert "warning" in result.summary()
    assert "line 3, column student_id" in result.summary()
    assert "Aroha" not in result.summary()  # the other school's details stay its own


def test_the_same_details_at_two_schools_need_no_warning(rimu):
    same = "NZ-2,100000001,Aroha,Ngata,2011-03-04,11,2026-02-02,"
    result = import_roster(csv_bytes(ROSTER_HEADER, same), file_name="rimu.csv")
    assert result.warnings == []
    assert record("NZ-1") == ("Aroha", "Ngata", "2011-03-04", 10)
    assert record("NZ-2") == ("Aroha", "Ngata", "2011-03-04", 11)


def test_the_other_schools_audit_log_records_the_conflict(rimu, nz_roster):
    kauri = Student.objects.get(enrolments__school=nz_roster, national_id="100000001")
    import_roster(csv_bytes(ROSTER_HEADER, CONFLICT), file_name="rimu.csv")
    (event,) = AuditEvent.objects.filter(organisation=nz_roster.organisation)
    assert (event.object_type, event.object_id, event.action) == ("student", str(kauri.pk), "view")
    assert "NZ-2" in event.detail and "rimu.csv" in event.detail
    assert not AuditEvent.objects.filter(organisation=rimu.organisation).exists()


def test_one_file_may_list_a_child_at_two_schools(rimu):
    result = import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "NZ-1,100000088,Hemi,Parata,2013-01-01,7,2026-02-02,2026-06-30",
            "NZ-2,100000088,Hemi,Parata,2013-01-01,7,2026-07-13,",
        ),
        file_name="move.csv",
    )
    assert result.warnings == []
    assert Student.objects.filter(national_id="100000088").count() == 2
    assert Enrolment.objects.filter(student__national_id="100000088").count() == 2


def test_a_file_with_a_conflict_and_an_error_changes_nothing(rimu):
    bad = "NZ-2,100000099,Ana,Lee,2014-02-30,5,2026-02-02,"
    with pytest.raises(ImportRejected, match="line 3, column birth_date"):
        import_roster(csv_bytes(ROSTER_HEADER, CONFLICT, bad), file_name="rimu.csv")
    assert not Student.objects.filter(enrolments__school=rimu).exists()
    assert record("NZ-1") == ("Aroha", "Ngata", "2011-03-04", 10)
    assert not AuditEvent.objects.exists()
