"""An English school gets the same queue and form, with its own pack's response types."""

from stepwise.accounts.models import Membership
from stepwise.register.importers.roster import import_roster
from stepwise.schools.services import school_add

from .conftest import TODAY, add_user, csv_bytes


def test_an_english_school_records_with_its_packs_types(client, db):
    school = school_add(code="ENG-1", name="Oak Academy", pack="england", today=TODAY)
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to",
            ["ENG-1,A123456789012,Amy,Lane,2014-01-01,7,2026-09-01,"],
        ),
        file_name="eng-roster.csv",
    )
    client.force_login(add_user("eng", school, Membership.Role.ATTENDANCE_OFFICER))

    html = client.get("/schools/ENG-1/queue/").content.decode()
    assert '<h2 class="govuk-panel__title">All done</h2>' in html

    html = client.get("/schools/ENG-1/students/A123456789012/responses/new/").content.decode()
    assert ">Conversation with parents</label>" in html
    assert ">Phone call to parents</option>" in html
    assert "whānau" not in html
