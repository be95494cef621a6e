"""`stepwise retention`: exactly the records past their rule go, each kind leaving a tombstone.

Kauri Test College's records as of 20 November 2026, with the default rules (7 years
for responses, referrals, students and audit entries; 2 years for import runs):

| record                                   | clock                     | fate    |
|------------------------------------------|---------------------------|---------|
| Old Leaver (left 14 Dec 2018)            | 7 years from leaving      | purged  |
|   their response, referral, register,    | go with them              | purged  |
|   amendment, threshold event, links      |                           |         |
|   caregiver linked only to them          |                           | purged  |
|   caregiver shared with Still Here       |                           | kept    |
| Recent Leaver (left 12 Dec 2025)         |                           | kept    |
| Still Here (enrolled), a 2018 response   | never while enrolled      | kept    |
| import run of 2020, no amendments        | 2 years from finishing    | purged  |
| import run of 2018, Old Leaver's amendment | freed when it goes      | purged  |
| import run of 2019, Still Here's amendment | kept with the amendment | kept    |
| import run of 2025                       |                           | kept    |
| audit entries of 1 Jan and 19 Nov 2019   | 7 years from the event    | purged  |
| audit entries of 20 Nov 2019 and 2025    | (20 Nov 2019 is the cutoff) | kept  |
"""

import subprocess
import sys
from datetime import date, datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from stepwise.accounts.models import Organisation
from stepwise.audit.models import AuditEvent
from stepwise.privacy.models import Tombstone
from stepwise.privacy.retention import DEFAULT_RETENTION, RULES, years_before
from stepwise.privacy.services import id_ranges
from stepwise.referrals.models import Referral
from stepwise.register.models import Amendment, ImportRun, RegisterTerm
from stepwise.responses.models import ResponseActivity
from stepwise.schools.models import Caregiver, Enrolment, Student, StudentCaregiver, Term
from stepwise.standings.models import ThresholdEvent

from .conftest import AUCKLAND


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AUCKLAND)


MODELS = [
    Student, Enrolment, Caregiver, StudentCaregiver, RegisterTerm, Amendment, ImportRun,
    ThresholdEvent, ResponseActivity, Referral, AuditEvent, Tombstone,
]  # fmt: skip


def snapshot() -> dict[str, set[int]]:
    return {m.__name__: set(m.objects.values_list("pk", flat=True)) for m in MODELS}


@pytest.fixture
def records(nz_school):
    school = nz_school
    user = get_user_model().objects.create_user("officer", password="pw-for-tests-only")
    service = Organisation.objects.create(name="A Service", kind=Organisation.Kind.SERVICE)
    term_2018 = Term.objects.create(
        school=school, year=2018, number=4, name="Term 4 2018",
        start=date(2018, 10, 15), end=date(2018, 12, 14),
    )  # fmt: skip
    term_2026 = school.terms.get(year=2026, number=4)

    def run(name: str, finished: str) -> ImportRun:
        return ImportRun.objects.create(
            kind="register", file_name=name, sha256="0" * 64, outcome="imported",
            started_at=at(finished), finished_at=at(finished),
        )  # fmt: skip

    def student(nid: str, given: str, left: str | None) -> Student:
        s = Student.objects.create(
            school=school,
            national_id=nid,
            given_name=given,
            family_name="Test",
            birth_date=date(2010, 1, 1),
        )
        Enrolment.objects.create(
            student=s, school=school, year_level=9, enrolled_from=date(2015, 2, 2),
            enrolled_to=date.fromisoformat(left) if left else None,
        )  # fmt: skip
        return s

    def respond(s: Student, happened: str, event: ThresholdEvent | None = None):
        return ResponseActivity.objects.create(
            school=school, student=s, threshold_event=event, response_type="monitor",
            happened_on=date.fromisoformat(happened), done_by="Someone", notes="private",
            recorded_by=user, recorded_at=at(happened + "T12:00"),
        )  # fmt: skip

    def refer(s: Student, when: str) -> Referral:
        return Referral.objects.create(
            school=school, student=s, service=service, reason="chronic_absence",
            summary="Why", referred_by=user, referred_at=at(when),
        )  # fmt: skip

    def audit(when: str) -> AuditEvent:
        return AuditEvent.objects.create(
            organisation=school.organisation, action="view", object_type="student", object_id="1",
            at=at(when),
        )  # fmt: skip

    old = student("300000001", "Old Leaver", "2018-12-14")
    recent = student("300000002", "Recent Leaver", "2025-12-12")
    here = student("300000003", "Still Here", None)

    run_2018 = run("2018.csv", "2018-12-01T09:00")
    run_2019 = run("2019.csv", "2019-01-01T09:00")
    run_2020 = run("2020.csv", "2020-03-01T09:00")
    run_2025 = run("2025.csv", "2025-06-01T09:00")
    old_register = RegisterTerm.objects.create(student=old, term=term_2018, marks=bytes([1] * 10))
    here_register = RegisterTerm.objects.create(student=here, term=term_2026, marks=bytes([1] * 10))
    old_amendment = Amendment.objects.create(
        register=old_register, slot=0, old_code="P", new_code="T", import_run=run_2018,
        recorded_at=at("2018-12-01T09:00"),
    )  # fmt: skip
    Amendment.objects.create(
        register=here_register, slot=0, old_code="P", new_code="T", import_run=run_2019,
        recorded_at=at("2019-01-01T09:00"),
    )  # fmt: skip
    old_event = ThresholdEvent.objects.create(
        student=old, term=term_2018, threshold="amp5", reached_on=date(2018, 11, 1),
        detected_at=at("2018-11-01T18:00"),
    )  # fmt: skip

    only_old = Caregiver.objects.create(
        school=school, ref="CG-OLD", given_name="A", family_name="B"
    )
    shared = Caregiver.objects.create(
        school=school, ref="CG-SHARED", given_name="C", family_name="D"
    )
    for s, c in ((old, only_old), (old, shared), (here, shared)):
        StudentCaregiver.objects.create(
            student=s, caregiver=c, relationship="mother", lives_with_student=True,
            parental_responsibility=True,
        )  # fmt: skip

    made = {
        "old": old, "recent": recent, "here": here, "only_old": only_old,
        "run_2018": run_2018, "run_2019": run_2019, "run_2020": run_2020, "run_2025": run_2025,
        "old_response": respond(old, "2018-11-02", old_event),
        "recent_response": respond(recent, "2025-11-02"),
        "here_response": respond(here, "2018-11-02"),
        "old_referral": refer(old, "2018-11-20T10:00"),
        "recent_referral": refer(recent, "2025-11-20T10:00"),
        "audit_jan_2019": audit("2019-01-01T10:00"),
        "audit_19_nov_2019": audit("2019-11-19T23:30"),
        "audit_20_nov_2019": audit("2019-11-20T00:30"),
        "audit_2025": audit("2025-01-01T10:00"),
        "old_register": old_register, "old_event": old_event, "old_amendment": old_amendment,
        "old_enrolment": old.enrolments.get(),
        "old_links": set(old.caregiver_links.values_list("pk", flat=True)),
    }  # fmt: skip
    return made


def retention(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_exactly_the_old_records_go_and_tombstones_say_what_went(records):
    r = records
    before = snapshot()
    out = retention("--today", "2026-11-20")
    after = snapshot()
    gone = {name: before[name] - after[name] for name in before}
    assert gone == {
        "Student": {r["old"].pk},
        "Enrolment": {r["old_enrolment"].pk},
        "Caregiver": {r["only_old"].pk},
        "StudentCaregiver": r["old_links"],
        "RegisterTerm": {r["old_register"].pk},
        "Amendment": {r["old_amendment"].pk},
        "ImportRun": {r["run_2018"].pk, r["run_2020"].pk},
        "ThresholdEvent": {r["old_event"].pk},
        "ResponseActivity": {r["old_response"].pk},
        "Referral": {r["old_referral"].pk},
        "AuditEvent": {r["audit_jan_2019"].pk, r["audit_19_nov_2019"].pk},
        "Tombstone": set(),
    }
    # What stays: the recent leaver, the enrolled student and their 2018 response, the
    # shared caregiver, the import run an amendment still points at, the newer audit entries.
    assert Student.objects.filter(pk__in=[r["recent"].pk, r["here"].pk]).count() == 2
    assert ResponseActivity.objects.filter(pk=r["here_response"].pk).exists()
    assert ImportRun.objects.filter(pk__in=[r["run_2019"].pk, r["run_2025"].pk]).count() == 2
    assert AuditEvent.objects.filter(pk=r["audit_20_nov_2019"].pk).exists()

    tombstones = {t.kind: t for t in Tombstone.objects.all()}
    assert {kind: t.count for kind, t in tombstones.items()} == {
        "response_activity": 1,
        "referral": 1,
        "student": 1,
        "caregiver": 1,
        "import_run": 2,
        "audit_event": 2,
    }
    audit = tombstones["audit_event"]
    first, second = sorted([r["audit_jan_2019"].pk, r["audit_19_nov_2019"].pk])
    assert audit.id_ranges == [[first, second]]  # made one after the other
    assert (audit.first_id, audit.last_id) == (first, second)
    assert audit.rule == "audit_event: 7 years after the event"
    assert (audit.years, audit.cutoff) == (7, date(2019, 11, 20))
    assert audit.command == "stepwise retention --today 2026-11-20"
    assert tombstones["import_run"].cutoff == date(2024, 11, 20)
    assert tombstones["student"].id_ranges == [[r["old"].pk, r["old"].pk]]
    assert tombstones["student"].cascaded == {
        "register.Amendment": 1,
        "register.RegisterTerm": 1,
        "schools.Enrolment": 1,
        "schools.StudentCaregiver": 2,
        "standings.ThresholdEvent": 1,
    }
    assert tombstones["caregiver"].rule.startswith("caregiver: with the student: 7 years after")
    assert len({t.run for t in tombstones.values()}) == 1  # one run wrote them all
    # A tombstone names ids, never what the records said.
    assert "Old Leaver" not in str(list(Tombstone.objects.values()))
    assert "300000001" not in str(list(Tombstone.objects.values()))

    assert "audit_event: removed 2 (clock ran out before 2019-11-20; " in out
    assert "student: removed 1 " in out and "; with them 1 register.Amendment," in out
    assert out.endswith("removed 8 records, wrote 6 tombstones.\n")


def test_a_dry_run_reports_the_same_counts_and_changes_nothing(records):
    before = snapshot()
    out = retention("--dry-run", "--today", "2026-11-20")
    assert snapshot() == before
    assert not Tombstone.objects.exists()
    for line in (
        "response_activity: would remove 1 ",
        "referral: would remove 1 ",
        "student: would remove 1 ",
        "caregiver: would remove 1 ",
        "import_run: would remove 2 ",
        "audit_event: would remove 2 ",
    ):
        assert line in out
    assert out.endswith("Dry run as of 2026-11-20: nothing changed; 8 records are due.\n")


def test_a_second_run_finds_nothing_and_tombstones_are_never_purged(records):
    retention("--today", "2026-11-20")
    kept = list(Tombstone.objects.values_list("pk", flat=True))
    out = retention("--today", "2026-11-20")
    assert "removed 0 records, wrote 0 tombstones" in out
    # Decades later everything else has gone; the tombstones have not.
    retention("--today", "2099-01-01")
    assert set(kept) <= set(Tombstone.objects.values_list("pk", flat=True))
    with pytest.raises(TypeError, match="never deleted"):
        Tombstone.objects.all().delete()
    with pytest.raises(TypeError, match="never deleted"):
        Tombstone.objects.first().delete()
    assert set(kept) <= set(Tombstone.objects.values_list("pk", flat=True))


def test_settings_override_a_rule_or_keep_a_kind_for_good(records, settings):
    settings.STEPWISE_RETENTION = {"audit_event": None, "import_run": 7}
    out = retention("--today", "2026-11-20")
    assert "audit_event: kept for good (no retention rule)" in out
    assert AuditEvent.objects.filter(pk=records["audit_jan_2019"].pk).exists()
    assert "import_run: removed 1 (clock ran out before 2019-11-20;" in out  # the 2018 run only
    assert not ImportRun.objects.filter(pk=records["run_2018"].pk).exists()
    assert ImportRun.objects.filter(pk=records["run_2020"].pk).exists()


@pytest.mark.parametrize(
    ("rules", "error"),
    [
        ({"cases": 5}, "unknown record types cases"),
        ({"audit_event": 0}, "must be a whole number of years"),
        ({"audit_event": "7"}, "must be a whole number of years"),
    ],
)
def test_a_bad_rule_is_refused_before_anything_goes(records, settings, rules, error):
    settings.STEPWISE_RETENTION = rules
    before = snapshot()
    with pytest.raises(CommandError, match=error):
        retention("--today", "2026-11-20")
    assert snapshot() == before


def test_every_rule_has_a_default_a_clock_and_a_reason():
    assert list(DEFAULT_RETENTION) == [rule.kind for rule in RULES]
    for rule in RULES:
        assert rule.default_years >= 1 and rule.clock and len(rule.reason) > 40


def test_years_before_and_id_ranges():
    assert years_before(date(2026, 11, 20), 7) == date(2019, 11, 20)
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert id_ranges([7, 1, 3, 2, 9, 8]) == [[1, 3], [7, 9]]
    assert id_ranges([]) == []


def test_the_command_explains_itself():
    out = subprocess.run(
        [sys.executable, "-m", "stepwise.cli", "retention", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    text = " ".join(out.stdout.split())
    assert "--dry-run" in text and "--today YYYY-MM-DD" in text
    assert "audit_event: 7 years after the event" in text
    assert "tombstones are never purged" in text


def test_a_corrected_response_goes_with_its_correction(records):
    original = records["old_response"]
    correction = ResponseActivity.objects.create(
        school=original.school, student=original.student, response_type="other",
        happened_on=original.happened_on, done_by="Someone", recorded_by=original.recorded_by,
        recorded_at=original.recorded_at, corrects=original, change_reason="Wrong type",
        changed_by=original.recorded_by, changed_at=at("2018-11-05T09:00"),
    )  # fmt: skip
    retention("--today", "2026-11-20")
    assert not ResponseActivity.objects.filter(pk__in=[original.pk, correction.pk]).exists()
    assert Tombstone.objects.get(kind="response_activity").count == 2
