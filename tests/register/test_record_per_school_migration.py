"""Upgrading gives each school its own record of a child it shared with another school.

Before, one record of Rangi (300000001) was enrolled at Kōwhai College until Term 2 and
at Tōtara School since: Tōtara's caregiver link, register, threshold event, response and
referral all hung on it. After the upgrade Kōwhai keeps the record, and Tōtara's rows
hang on a copy that is Tōtara's own.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stepwise.referrals.models import Referral
from stepwise.register.models import RegisterTerm
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import Student, StudentCaregiver
from stepwise.standings.models import ThresholdEvent

BEFORE = ("schools", "0002_termtarget")
AFTER = ("schools", "0003_student_record_per_school")


def targets(executor: MigrationExecutor, schools: tuple[str, str]) -> list[tuple[str, str]]:
    """Every app at its latest migration, but schools at `schools`."""
    leaves = executor.loader.graph.leaf_nodes()
    return [node for node in leaves if node[0] != "schools"] + [schools]


@pytest.fixture
def latest_schema_after():
    """Leave the database at the latest migration of every app, whatever the test did."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_child_shared_by_two_schools_gets_a_record_at_each(latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(targets(executor, BEFORE))
    old = executor.loader.project_state(targets(executor, BEFORE)).apps

    def model(label: str):
        return old.get_model(*label.split("."))

    user = model("auth.User").objects.create(username="officer")
    service = model("accounts.Organisation").objects.create(name="Service", kind="service")
    schools, terms = [], []
    for code in ("NZ-1", "NZ-2"):
        org = model("accounts.Organisation").objects.create(name=code, kind="school")
        school = model("schools.School").objects.create(
            code=code, name=code, pack="nz", organisation=org
        )
        schools.append(school)
        term = model("schools.Term").objects.create(
            school=school, year=2026, number=3, name="Term 3",
            start=date(2026, 7, 20), end=date(2026, 9, 25),
        )  # fmt: skip
        terms.append(term)
    kowhai, totara = schools
    student = model("schools.Student")
    rangi = student.objects.create(
        national_id="300000001", given_name="Rangi", family_name="Moana",
        birth_date=date(2013, 5, 6),
    )  # fmt: skip
    alone = student.objects.create(
        national_id="300000002", given_name="Ana", family_name="Lee", birth_date=date(2013, 1, 1)
    )
    orphan = student.objects.create(
        national_id="300000003", given_name="No", family_name="School", birth_date=date(2013, 1, 1)
    )
    enrol = model("schools.Enrolment").objects.create
    enrol(student=rangi, school=totara, year_level=8, enrolled_from=date(2026, 7, 20))
    enrol(student=rangi, school=kowhai, year_level=8, enrolled_from=date(2026, 2, 2),
          enrolled_to=date(2026, 7, 3))  # fmt: skip
    enrol(student=alone, school=totara, year_level=8, enrolled_from=date(2026, 2, 2))
    aunt = model("schools.Caregiver").objects.create(
        school=totara, ref="CG-1", given_name="Kiri", family_name="Moana"
    )
    model("schools.StudentCaregiver").objects.create(
        student=rangi, caregiver=aunt, relationship="aunt", lives_with_student=True,
        parental_responsibility=True,
    )  # fmt: skip
    at = datetime(2026, 9, 1, tzinfo=UTC)
    for term in terms:
        model("register.RegisterTerm").objects.create(student=rangi, term=term, marks=b"\x01")
    model("standings.ThresholdEvent").objects.create(
        student=rangi, term=terms[1], threshold="amp5", reached_on=date(2026, 8, 3), detected_at=at
    )
    model("responses.ResponseActivity").objects.create(
        school=totara, student=rangi, response_type="conversation", happened_on=date(2026, 8, 4),
        done_by="Officer", recorded_by=user, recorded_at=at,
    )  # fmt: skip
    model("referrals.Referral").objects.create(
        school=totara, student=rangi, service=service, reason="chronic_absence", summary="Absent",
        referred_by=user, referred_at=at,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(targets(executor, AFTER))

    kept = Student.objects.get(pk=rangi.pk)
    copy = Student.objects.get(national_id="300000001", school_id=totara.pk)
    assert kept.school_id == kowhai.pk
    assert [e.school_id for e in kept.enrolments.all()] == [kowhai.pk]
    assert (copy.given_name, copy.family_name, str(copy.birth_date)) == (
        "Rangi",
        "Moana",
        "2013-05-06",
    )
    assert [e.school_id for e in copy.enrolments.all()] == [totara.pk]
    assert StudentCaregiver.objects.get().student_id == copy.pk
    assert dict(RegisterTerm.objects.values_list("term_id", "student_id")) == {
        terms[0].pk: kept.pk,
        terms[1].pk: copy.pk,
    }
    assert ThresholdEvent.objects.get().student_id == copy.pk
    assert ResponseActivity.objects.get().student_id == copy.pk
    assert Referral.objects.get().student_id == copy.pk
    assert Student.objects.get(pk=alone.pk).school_id == totara.pk
    assert not Student.objects.filter(pk=orphan.pk).exists()
