"""The school's Descriptions: only its admins change them, and a change never rewrites history."""

import pytest

from stepwise.responses.models import Description
from stepwise.responses.services import (
    ResponseError,
    description_add,
    description_move,
    description_rename,
    description_retire,
    response_record,
)

from .conftest import NOW, TODAY, add_user, sign_in_client

URL = "/schools/NZ-0427/descriptions/"


def written(school) -> list[str]:
    return list(
        school.descriptions.filter(response_type="written_communication").values_list(
            "text", flat=True
        )
    )


def test_the_school_starts_with_the_ministrys_defaults(school):
    assert written(school) == [
        "Sent notification to whānau",
        "Sent escalated notification to whānau",
        "Sent formal warning notice to whānau",
        "Sent letter acknowledging upcoming absence",
    ]
    assert not school.descriptions.filter(response_type="support_plan").exists()


@pytest.mark.parametrize("who", ["admin_client", "org_admin_client"])
def test_school_admins_manage_descriptions(request, school, who):
    client = request.getfixturevalue(who)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="govuk-heading-m" id="type-written_communication">' in html
    assert "Sent notification to whānau" in html


@pytest.mark.parametrize("who", ["officer_client", "leader_client"])
def test_other_staff_may_not(request, school, who):
    client = request.getfixturevalue(who)
    pk = school.descriptions.first().pk
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}new/").status_code == 403
    assert client.post(f"{URL}new/", {"response_type": "other", "text": "X"}).status_code == 403
    assert client.post(f"{URL}{pk}/rename/", {"text": "X"}).status_code == 403
    assert client.post(f"{URL}{pk}/change/", {"action": "retire"}).status_code == 403
    assert not school.descriptions.filter(retired=True).exists()


def test_another_schools_admin_gets_not_found(client, other_school, school):
    sign_in_client(client, add_user("theirs", other_school, "school_admin"))
    pk = school.descriptions.first().pk
    assert client.get(URL).status_code == 404
    assert (
        client.post(f"/schools/NZ-0999/descriptions/{pk}/rename/", {"text": "X"}).status_code == 404
    )
    assert (
        client.post(f"/schools/NZ-0999/descriptions/{pk}/change/", {"action": "up"}).status_code
        == 404
    )


def test_an_admin_adds_a_description_at_the_end(admin_client, school):
    response = admin_client.post(
        f"{URL}new/", {"response_type": "written_communication", "text": " School  van letter "}
    )
    assert response["Location"] == URL + "#type-written_communication"
    assert written(school)[-1] == "School van letter"


def test_a_type_without_descriptions_can_get_one(admin_client, school):
    admin_client.post(f"{URL}new/", {"response_type": "other", "text": "No further action"})
    assert list(
        school.descriptions.filter(response_type="other").values_list("text", flat=True)
    ) == ["No further action"]


WRITTEN = "written_communication"


# (posted fields, the id the error links to, the message)
@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        ({"response_type": WRITTEN, "text": ""}, "text", "Enter the description"),
        ({"text": "Something"}, f"response_type-{WRITTEN}", "Select the activity response type"),
        (
            {"response_type": WRITTEN, "text": "sent NOTIFICATION to whānau"},
            "text",
            "The school already has this description for this response type",
        ),
        (
            {"response_type": WRITTEN, "text": "x" * 201},
            "text",
            "Description must be 200 characters or fewer",
        ),
    ],
)
def test_adding_names_the_field_in_error(admin_client, school, data, anchor, message):
    before = Description.objects.count()
    html = admin_client.post(f"{URL}new/", data).content.decode()
    assert f'<li><a href="#{anchor}">{message}</a></li>' in html
    assert Description.objects.count() == before


def test_a_rename_keeps_the_old_text_on_earlier_records(admin_client, school, students, officer):
    description = school.descriptions.get(text="Sent notification to whānau")
    earlier = response_record(
        school=school,
        student=students["Ben"],
        response_type="written_communication",
        description=description,
        happened_on=TODAY,
        done_by="Hana",
        recorded_by=officer,
        now=NOW,
    )
    response = admin_client.post(
        f"{URL}{description.pk}/rename/", {"text": "Sent attendance letter to whānau"}
    )
    assert response.status_code == 302
    description.refresh_from_db()
    earlier.refresh_from_db()
    assert description.text == "Sent attendance letter to whānau"
    assert earlier.description == description
    assert earlier.description_text == "Sent notification to whānau"


def test_renaming_to_an_existing_description_is_refused(admin_client, school):
    description = school.descriptions.get(text="Sent notification to whānau")
    html = admin_client.post(
        f"{URL}{description.pk}/rename/", {"text": "Sent formal warning notice to whānau"}
    ).content.decode()
    assert "The school already has this description for this response type" in html
    description.refresh_from_db()
    assert description.text == "Sent notification to whānau"


def test_retiring_and_bringing_back(admin_client, school):
    description = school.descriptions.get(text="Held whānau hui")
    admin_client.post(f"{URL}{description.pk}/change/", {"action": "retire"})
    description.refresh_from_db()
    assert description.retired
    admin_client.post(f"{URL}{description.pk}/change/", {"action": "unretire"})
    description.refresh_from_db()
    assert not description.retired


def test_moving_up_and_down(admin_client, school):
    last = school.descriptions.get(text="Sent letter acknowledging upcoming absence")
    admin_client.post(f"{URL}{last.pk}/change/", {"action": "up"})
    assert written(school)[2] == "Sent letter acknowledging upcoming absence"
    first = school.descriptions.get(text="Sent notification to whānau")
    admin_client.post(f"{URL}{first.pk}/change/", {"action": "up"})  # already first: stays
    admin_client.post(f"{URL}{first.pk}/change/", {"action": "down"})
    assert written(school) == [
        "Sent escalated notification to whānau",
        "Sent notification to whānau",
        "Sent letter acknowledging upcoming absence",
        "Sent formal warning notice to whānau",
    ]


def test_an_unknown_change_is_refused(admin_client, school):
    pk = school.descriptions.first().pk
    assert admin_client.post(f"{URL}{pk}/change/", {"action": "delete"}).status_code == 400
    assert admin_client.get(f"{URL}{pk}/change/").status_code == 405


def test_the_services_check_their_input(school):
    description = school.descriptions.get(text="Held whānau hui")
    with pytest.raises(ResponseError):
        description_add(school=school, response_type="nonsense", text="X")
    with pytest.raises(ResponseError):
        description_rename(description=description, text="   ")
    with pytest.raises(ResponseError):
        description_move(description=description, direction="sideways")
    description_retire(description=description)
    assert school.descriptions.get(pk=description.pk).retired
