"""OneRoster 1.2 CSV rosters in: orgs, users and enrollments (and demographics for birth dates)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stepwise.schools.models import Enrolment, Student

URL = "/api/v1/schools/NZ-1/oneroster"

ORGS = """sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-1,,,Kauri Test College,school,NZ-1,
org-2,,,Another School,school,NZ-9,
"""
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
    "preferredFamilyName,primaryOrgSourcedId,pronouns"
)
USERS = (
    USERS_HEADER
    + """
u-1,,,true,mere,,Mere,Tane,,200000001,,,,,09,,,,,,,org-1,
u-2,,,true,hemi,,Hemi,Walker,,100000001,,,,,10,,,,,,,org-1,
u-3,,,true,kate,,Kate,Other,,300000001,,,,,08,,,,,,,org-2,
t-1,,,true,teacher,,Tina,Teacher,,T1,,,,,,,,,,,,org-1,
"""
)
ENROLLMENTS = (
    (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate"
    )
    + """
e-1,,,class-1,org-1,u-1,student,,2026-02-02,
e-2,,,class-2,org-1,u-1,student,,2026-04-27,2026-12-18
e-3,,,class-1,org-1,u-2,student,,2026-01-28,2026-12-18
e-4,,,class-9,org-2,u-3,student,,2026-02-02,
e-5,,,class-1,org-1,t-1,teacher,,2026-02-02,
"""
)
DEMOGRAPHICS = """sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative
u-1,,,2013-06-07,female,false
"""


def files(**changed: str) -> dict[str, SimpleUploadedFile]:
    texts = {
        "orgs": ORGS,
        "users": USERS,
        "enrollments": ENROLLMENTS,
        "demographics": DEMOGRAPHICS,
        **changed,
    }
    return {
        name: SimpleUploadedFile(f"{name}.csv", text.encode(), content_type="text/csv")
        for name, text in texts.items()
        if text is not None
    }


def post(api, **changed):
    return Client().post(URL, files(**changed), headers=api.headers())


def test_the_schools_students_are_imported_with_their_enrolments(api):
    response = post(api)
    assert response.status_code == 200, response.content
    assert response.json()["detail"] == {
        "students added": 1,
        "students updated": 1,
        "enrolments added": 1,
        "enrolments updated": 1,
    }
    mere = Student.objects.get(national_id="200000001")
    assert (mere.given_name, mere.birth_date.isoformat()) == ("Mere", "2013-06-07")
    enrolment = Enrolment.objects.get(student=mere)
    # Her earliest begin date, and no end: one enrolment is open.
    assert (enrolment.year_level, enrolment.enrolled_from.isoformat(), enrolment.enrolled_to) == (
        9,
        "2026-02-02",
        None,
    )
    hemi = Student.objects.get(national_id="100000001")  # Aroha's record, renamed by the SMS
    assert (hemi.given_name, hemi.birth_date.isoformat()) == ("Hemi", "2011-03-04")
    assert not Student.objects.filter(national_id__in=["300000001", "T1"]).exists()
    assert post(api).json()["changed"] == 0  # importing the same files again changes nothing


def test_a_new_student_without_a_birth_date_is_refused_naming_the_line(api):
    response = post(api, demographics=None)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "users.csv line 2, column birthDate (demographics.csv)"
    assert not Student.objects.filter(national_id="200000001").exists()


def test_the_roster_importers_problems_name_the_oneroster_line_and_column(api):
    users = USERS.replace(",Mere,Tane,", ",,Tane,").replace(",10,,,,,,,org-1", ",XX,,,,,,,org-1")
    response = post(api, users=users)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "users.csv line 2, column givenName": "is empty",
        "users.csv line 3, column grades": "'' is not a year level from 0 to 15",
    }


def test_missing_files_columns_and_bad_dates_are_named(api):
    response = Client().post(URL, {"orgs": files()["orgs"]}, headers=api.headers())
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"users.csv", "enrollments.csv"}
    response = post(api, enrollments=ENROLLMENTS.replace("2026-04-27", "27/04/2026"))
    assert response.json()["errors"][0]["field"] == "enrollments.csv line 3, column beginDate"
    response = post(api, orgs="sourcedId,name\norg-1,Kauri\n")
    assert response.json()["errors"][0] == {
        "field": "orgs.csv line 1",
        "row": None,
        "message": "the header lacks type, identifier",
    }
    response = post(api, orgs=ORGS.replace("NZ-1", "NZ-7"))
    assert "no org of type school has identifier NZ-1" in response.json()["errors"][0]["message"]


# --- Deltas, bundles and spells -----------------------------------------------------

ENROLLMENTS_HEADER = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate"
)


def enrolment_of(national_id: str) -> tuple[str, str | None]:
    e = Enrolment.objects.get(student__national_id=national_id)
    return e.enrolled_from.isoformat(), e.enrolled_to and e.enrolled_to.isoformat()


def test_a_delta_that_deletes_an_enrolment_ends_it(api):
    assert post(api).status_code == 200
    assert enrolment_of("100000001") == ("2026-01-28", "2026-12-18")
    delta = (
        ENROLLMENTS_HEADER
        + "\ne-3,tobedeleted,2026-11-13T09:30:00Z,class-1,org-1,u-2,student,,2026-01-28,\n"
    )
    response = post(api, enrollments=delta, demographics=None)
    assert response.status_code == 200, response.content
    # Ended on the day the SMS recorded the deletion; the first day kept.
    assert enrolment_of("100000001") == ("2026-01-28", "2026-11-13")


def test_the_latest_version_of_a_row_in_a_delta_wins(api):
    delta = ENROLLMENTS_HEADER + (
        "\ne-3,active,2026-11-01T08:00:00Z,class-1,org-1,u-2,student,,2026-01-28,"
        "\ne-3,tobedeleted,2026-11-16T08:00:00Z,class-1,org-1,u-2,student,,2026-01-28,"
        "\n"
    )
    response = post(api, enrollments=delta, demographics=None)
    assert response.status_code == 200, response.content
    assert enrolment_of("100000001") == ("2026-01-28", "2026-11-16")


def test_a_bad_status_or_date_last_modified_is_named(api):
    delta = ENROLLMENTS_HEADER + "\ne-3,gone,yesterday,class-1,org-1,u-2,student,,2026-01-28,\n"
    response = post(api, enrollments=delta, demographics=None)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {
        "enrollments.csv line 2, column status",
        "enrollments.csv line 2, column dateLastModified",
    }


def spells_of(national_id: str) -> list[tuple[str, str | None]]:
    return [
        (e.enrolled_from.isoformat(), e.enrolled_to and e.enrolled_to.isoformat())
        for e in Enrolment.objects.filter(student__national_id=national_id).order_by(
            "enrolled_from"
        )
    ]


def test_separate_enrollments_are_separate_spells(api):
    # Left on 2 April, back on 20 July: the days between are no enrolment's. Two
    # classes overlapping, and one that starts the Monday after another's Friday, are
    # one spell.
    spells = ENROLLMENTS_HEADER + (
        "\ne-1,,,class-1,org-1,u-2,student,,2026-01-28,2026-04-02"
        "\ne-2,,,class-2,org-1,u-2,student,,2026-02-02,2026-03-06"
        "\ne-3,,,class-1,org-1,u-2,student,,2026-07-20,2026-07-31"
        "\ne-4,,,class-2,org-1,u-2,student,,2026-08-03,"
        "\n"
    )
    response = post(api, enrollments=spells, demographics=None)
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []
    assert spells_of("100000001") == [("2026-01-28", "2026-04-02"), ("2026-07-20", None)]


def test_a_delta_that_deletes_the_later_spell_ends_it_and_keeps_the_earlier(api):
    spells = ENROLLMENTS_HEADER + (
        "\ne-1,,,class-1,org-1,u-2,student,,2026-01-28,2026-04-02"
        "\ne-2,,,class-1,org-1,u-2,student,,2026-07-20,"
        "\n"
    )
    assert post(api, enrollments=spells, demographics=None).status_code == 200
    delta = (
        ENROLLMENTS_HEADER
        + "\ne-2,tobedeleted,2026-09-04T10:00:00Z,class-1,org-1,u-2,student,,2026-07-20,\n"
    )
    response = post(api, enrollments=delta, demographics=None)
    assert response.status_code == 200, response.content
    assert spells_of("100000001") == [("2026-01-28", "2026-04-02"), ("2026-07-20", "2026-09-04")]


def bundle(manifest: dict[str, str], parts: dict[str, str]) -> SimpleUploadedFile:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        lines = ["propertyName,value", *(f"{k},{v}" for k, v in manifest.items())]
        z.writestr("manifest.csv", "\n".join(lines) + "\n")
        for name, text in parts.items():
            z.writestr(name, text)
    return SimpleUploadedFile("oneroster.zip", out.getvalue(), content_type="application/zip")


MANIFEST = {
    "manifest.version": "1.0",
    "oneroster.version": "1.2",
    "file.academicSessions": "bulk",
    "file.orgs": "bulk",
    "file.users": "bulk",
    "file.enrollments": "bulk",
    "file.demographics": "bulk",
    "file.roles": "absent",
}
PARTS = {
    "orgs.csv": ORGS,
    "users.csv": USERS,
    "enrollments.csv": ENROLLMENTS,
    "demographics.csv": DEMOGRAPHICS,
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
    "parentSourcedId,schoolYear\nt4,,,Term 4,term,2026-10-12,2026-12-18,,2026\n",
}


def test_a_zip_bundle_with_its_manifest_is_imported_and_parts_not_read_are_named(api):
    response = Client().post(URL, {"bundle": bundle(MANIFEST, PARTS)}, headers=api.headers())
    assert response.status_code == 200, response.content
    assert Student.objects.filter(national_id="200000001").exists()
    warnings = {w["field"]: w["message"] for w in response.json()["warnings"]}
    assert "academicSessions.csv" in warnings
    assert "not read" in warnings["academicSessions.csv"]


def test_a_bundle_is_refused_where_it_and_its_manifest_disagree(api):
    cases = [
        # (manifest changes, parts changes, the field named)
        ({"file.users": "absent"}, {}, "manifest.csv file.users"),
        ({}, {"demographics.csv": None}, "demographics.csv"),
        ({"file.roles": "absent"}, {"roles.csv": "sourcedId\n"}, "roles.csv"),
    ]
    for manifest, parts, field in cases:
        merged = {k: v for k, v in {**PARTS, **parts}.items() if v is not None}
        upload = bundle({**MANIFEST, **manifest}, merged)
        response = Client().post(URL, {"bundle": upload}, headers=api.headers())
        assert response.status_code == 422, (manifest, parts)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert not Student.objects.filter(national_id="200000001").exists()


def test_a_bundle_zipped_on_a_mac_is_read_without_its_hidden_entries(api):
    parts = {**PARTS, "__MACOSX/._users.csv": "\x00\x05", ".DS_Store": "x"}
    response = Client().post(URL, {"bundle": bundle(MANIFEST, parts)}, headers=api.headers())
    assert response.status_code == 200, response.content


def test_a_bundle_without_a_manifest_is_refused(api):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("orgs.csv", ORGS)
    upload = SimpleUploadedFile("r.zip", out.getvalue(), content_type="application/zip")
    response = Client().post(URL, {"bundle": upload}, headers=api.headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "manifest.csv"


# --- Export -------------------------------------------------------------------------


def test_the_export_round_trips_through_import_into_an_empty_school(api, nz_roster):
    import io
    import zipfile

    from stepwise.api.oneroster import HEADERS
    from stepwise.api.services import token_create
    from stepwise.onboarding.organisations import school_setup
    from tests.conftest import TODAY

    from .conftest import Api

    nz_roster.school_number = "427"
    nz_roster.save()
    # A child who left and came back: two spells, which the export keeps apart.
    again = Enrolment.objects.filter(school=nz_roster).order_by("pk").first()
    assert again is not None
    first_from = again.enrolled_from
    Enrolment.objects.filter(pk=again.pk).update(enrolled_to=first_from + timedelta(days=30))
    Enrolment.objects.create(
        student=again.student,
        school=nz_roster,
        year_level=again.year_level,
        enrolled_from=first_from + timedelta(days=60),
    )
    response = api.get("/api/v1/schools/NZ-1/oneroster/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        manifest = dict(
            line.split(",", 1) for line in z.read("manifest.csv").decode().splitlines()[1:]
        )
        headers = {n: z.read(n).decode().splitlines()[0] for n in names - {"manifest.csv"}}
    assert headers == HEADERS
    assert {f"file.{n.removesuffix('.csv')}" for n in HEADERS} <= {
        k for k, v in manifest.items() if v == "bulk"
    }
    assert manifest["oneroster.version"] == "1.2"

    empty = school_setup(
        code="NZ-9", name="Empty School", pack="nz", school_number="427", today=TODAY
    )
    _, secret = token_create(organisation=empty.organisation, name="Import", created_by=None)
    upload = SimpleUploadedFile("oneroster.zip", data, content_type="application/zip")
    answer = Client().post(
        "/api/v1/schools/NZ-9/oneroster",
        {"bundle": upload},
        headers=Api(Client(), secret).headers(),
    )
    assert answer.status_code == 200, answer.content

    def roster(school):
        return sorted(
            (e.student.national_id, e.student.given_name, e.student.family_name,
             e.student.birth_date, e.year_level, e.enrolled_from, e.enrolled_to)
            for e in Enrolment.objects.filter(school=school).select_related("student")
        )  # fmt: skip

    assert roster(empty) == roster(nz_roster)
    assert len(roster(empty)) == 4
    assert (
        Enrolment.objects.filter(
            school=empty, student__national_id=again.student.national_id
        ).count()
        == 2
    )
