"""Roster and caregiver imports: idempotent, all or nothing, messages that name the row."""

import pytest

from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import Caregiver, Enrolment, Student, StudentCaregiver
from tests.conftest import ROSTER_HEADER, csv_bytes

CAREGIVER_HEADER = (
    "school_id,student_id,caregiver_id,given_name,family_name,relationship,lives_with_student,"
    "parental_responsibility,email,phone,address,preferred_language"
)
CAREGIVERS = csv_bytes(
    CAREGIVER_HEADER,
    "NZ-1,100000001,CG-1,Mere,Ngata,mother,yes,yes,mere@example.org,021 000 0001,1 Example St,mi",
    "NZ-1,100000001,CG-2,Tama,Ngata,father,no,yes,,021 000 0002,9 Other Rd,en",
    "NZ-1,100000002,CG-1,Mere,Ngata,aunt,yes,no,mere@example.org,021 000 0001,1 Example St,mi",
)


def test_a_roster_import_creates_students_and_enrolments(nz_roster):
    assert Student.objects.count() == 3
    sione = Enrolment.objects.get(student__national_id="100000003")
    assert (sione.year_level, str(sione.enrolled_from), sione.enrolled_to) == (
        9,
        "2026-11-02",
        None,
    )


def test_importing_the_same_roster_twice_changes_nothing(nz_roster):
    again = import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "NZ-1,100000001,Aroha,Ngata,2011-03-04,10,2026-01-28,",
            "NZ-1,100000002,Ben,Lee,2011-05-04,10,2026-01-28,",
            "NZ-1,100000003,Sione,Taufa,2012-07-14,9,2026-11-02,",
        ),
        file_name="roster.csv",
    )
    assert again.changed == 0


def test_a_later_roster_records_a_student_leaving(nz_roster):
    result = import_roster(
        csv_bytes(ROSTER_HEADER, "NZ-1,100000002,Ben,Lee,2011-05-04,10,2026-01-28,2026-11-13"),
        file_name="leavers.csv",
    )
    assert result.detail == {"enrolments updated": 1}
    assert str(Enrolment.objects.get(student__national_id="100000002").enrolled_to) == "2026-11-13"


# Each case: what is wrong, one roster row, words the message must contain.
BAD_ROSTERS = [
    (
        "unknown school",
        "XX,1,A,B,2011-01-01,9,2026-01-01,",
        "line 2, column school_id: unknown school 'XX'",
    ),
    (
        "empty student id",
        "NZ-1,,A,B,2011-01-01,9,2026-01-01,",
        "line 2, column student_id: is empty",
    ),
    ("empty name", "NZ-1,1,,B,2011-01-01,9,2026-01-01,", "line 2, column given_name: is empty"),
    (
        "bad birth date",
        "NZ-1,1,A,B,2011-02-30,9,2026-01-01,",
        "column birth_date: '2011-02-30' is not a date",
    ),
    (
        "bad year level",
        "NZ-1,1,A,B,2011-01-01,Y9,2026-01-01,",
        "column year_level: 'Y9' is not a year level",
    ),
    (
        "leaves before joining",
        "NZ-1,1,A,B,2011-01-01,9,2026-05-01,2026-04-01",
        "2026-04-01 is before",
    ),
]


@pytest.mark.parametrize(("what", "row", "message"), BAD_ROSTERS, ids=[c[0] for c in BAD_ROSTERS])
def test_a_bad_roster_is_rejected_whole(nz_school, what, row, message):
    data = csv_bytes(ROSTER_HEADER, "NZ-1,200000001,Good,Row,2011-01-01,9,2026-01-01,", row)
    with pytest.raises(ImportRejected) as rejected:
        import_roster(data, file_name="roster.csv")
    assert message.replace("line 2", "line 3") in rejected.value.summary()
    assert not Student.objects.exists()


def test_a_student_listed_twice_with_overlapping_spells_is_refused(nz_school):
    row = "NZ-1,200000001,Good,Row,2011-01-01,9,2026-01-01,"
    later = "NZ-1,200000001,Good,Row,2011-01-01,9,2026-05-04,"
    with pytest.raises(ImportRejected) as rejected:
        import_roster(csv_bytes(ROSTER_HEADER, row, later), file_name="roster.csv")
    assert (
        "line 3, column enrolled_from: 200000001's enrolment from 2026-05-04 with no end "
        "overlaps the one from 2026-01-01 with no end on line 2"
    ) in str(rejected.value)
    assert not Student.objects.exists()


def test_caregivers_link_to_students_and_siblings_share_a_caregiver(nz_roster):
    result = import_caregivers(CAREGIVERS, file_name="caregivers.csv")
    assert result.detail == {"caregivers added": 2, "links added": 3}
    mere = Caregiver.objects.get(ref="CG-1")
    assert mere.student_links.count() == 2
    father = StudentCaregiver.objects.get(caregiver__ref="CG-2")
    assert (father.lives_with_student, father.parental_responsibility) == (False, True)
    assert import_caregivers(CAREGIVERS, file_name="caregivers.csv").changed == 0


BAD_CAREGIVERS = [
    (
        "student not on roster",
        "NZ-1,999,CG-9,A,B,mother,yes,yes,,,,",
        "column student_id: '999' is not on NZ-1's roster",
    ),
    (
        "yes or no",
        "NZ-1,100000001,CG-9,A,B,mother,maybe,yes,,,,",
        "column lives_with_student: 'maybe' must be yes or no",
    ),
    (
        "bad email",
        "NZ-1,100000001,CG-9,A,B,mother,yes,yes,not-an-email,,,",
        "column email: 'not-an-email'",
    ),
    ("empty relationship", "NZ-1,100000001,CG-9,A,B,,yes,yes,,,,", "column relationship: is empty"),
    (
        "one caregiver, two sets of details",
        "NZ-1,100000002,CG-1,Mary,Ngata,mother,yes,yes,,,,",
        "column caregiver_id: CG-1 has different details here than on line 2",
    ),
]


@pytest.mark.parametrize(
    ("what", "row", "message"), BAD_CAREGIVERS, ids=[c[0] for c in BAD_CAREGIVERS]
)
def test_a_bad_caregiver_file_is_rejected_whole(nz_roster, what, row, message):
    data = csv_bytes(CAREGIVER_HEADER, CAREGIVERS.decode().splitlines()[1], row)
    with pytest.raises(ImportRejected) as rejected:
        import_caregivers(data, file_name="caregivers.csv")
    assert message in rejected.value.summary()
    assert "line 3" in rejected.value.summary()
    assert not Caregiver.objects.exists()


def test_a_student_listed_at_two_schools_has_a_record_and_an_enrolment_at_each(nz_school):
    from stepwise.onboarding.organisations import school_setup
    from tests.conftest import TODAY

    school_setup(code="NZ-2", name="Second College", pack="nz", today=TODAY)
    import_roster(
        csv_bytes(
            ROSTER_HEADER,
            "NZ-1,300000001,Mere,Walker,2011-01-01,10,2026-01-28,2026-06-30",
            "NZ-2,300000001,Mere,Walker,2011-01-01,10,2026-07-20,",
        ),
        file_name="moves.csv",
    )
    records = Student.objects.filter(national_id="300000001").order_by("school__code")
    assert [(s.school.code, s.enrolments.get().school.code) for s in records] == [
        ("NZ-1", "NZ-1"),
        ("NZ-2", "NZ-2"),
    ]
