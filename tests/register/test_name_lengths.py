"""A name too long to keep is refused with a message naming the row and the column.

A person's given and family names may each be up to 100 characters (longer than any
real name, short enough to print); every other text column has the limit of the field
that keeps it. A file with one such value is refused whole, as every import is.
"""

import pytest

from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.roster import import_roster
from stepwise.schools.models import Caregiver, Student
from tests.conftest import ROSTER_HEADER, csv_bytes

from .test_roster_and_caregiver_import import CAREGIVER_HEADER

HUGE = "A" * 5000


def test_a_5000_character_name_in_a_roster_is_refused_naming_the_row(nz_school):
    roster = csv_bytes(
        ROSTER_HEADER,
        "NZ-1,100000001,Aroha,Ngata,2011-03-04,10,2026-01-28,",
        f"NZ-1,100000002,{HUGE},Lee,2011-05-04,10,2026-01-28,",
        f"NZ-1,{'9' * 41},Ben,Lee,2011-05-04,10,2026-01-28,",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_roster(roster, file_name="roster.csv")
    message = str(rejected.value)
    refused = "roster.csv, line 3, column given_name: must be 100 characters or fewer (it is 5,000)"
    assert refused in message
    assert "line 4, column student_id: must be 40 characters or fewer (it is 41)" in message
    assert not Student.objects.exists()


def test_a_name_of_exactly_100_characters_is_kept(nz_school):
    name = ("Tāufaʻāhau " * 10)[:100]
    import_roster(
        csv_bytes(ROSTER_HEADER, f"NZ-1,100000001,{name},Ngata,2011-03-04,10,2026-01-28,"),
        file_name="roster.csv",
    )
    assert Student.objects.get().given_name == name.strip()


def test_a_5000_character_caregiver_name_is_refused_naming_the_row(nz_roster):
    with pytest.raises(ImportRejected, match=r"line 2, column family_name: must be 100 char"):
        import_caregivers(
            csv_bytes(
                CAREGIVER_HEADER,
                f"NZ-1,100000001,CG-1,Mere,{HUGE},mother,yes,yes,,,,",
            ),
            file_name="caregivers.csv",
        )
    assert not Caregiver.objects.exists()


def test_a_caregivers_address_past_its_field_is_refused(nz_roster):
    address = "1 Road, " * 50
    with pytest.raises(ImportRejected, match=r"line 2, column address: must be 300 characters"):
        import_caregivers(
            csv_bytes(
                CAREGIVER_HEADER, f'NZ-1,100000001,CG-1,Mere,Ngata,mother,yes,yes,,,"{address}",'
            ),
            file_name="caregivers.csv",
        )
