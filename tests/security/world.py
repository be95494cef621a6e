"""Two organisations of each kind, built through the real services, for the access tests.

- School A (NZ-0427, Kōwhai College) and service X (Kōwhai Attendance Service): the
  organisations the signed-in users work for. X's catchment holds A, Y's holds B.
- School B (NZ-0999, Tōtara School) and service Y (Harbour Attendance Service): the
  organisations whose objects every URL of the matrix points at. School B has students
  with threshold events, Descriptions, caregivers, response activities, a referral to
  service Y, a term target and audit events; service Y has audit events of its own.
- A Ministry analysts' organisation and a prosecutions team, each with one member.
- Rangi Moana, who left school A after Term 3 and joined school B: each school holds
  its own record of Rangi and sees only that (B's has a caregiver, a response, a referral).
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import docx
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from stepwise.accounts.models import Membership, Organisation
from stepwise.api.models import ApiToken, EdFiAttendanceEvent
from stepwise.api.services import token_create
from stepwise.audit.models import AuditEvent
from stepwise.cases.models import (
    Attachment,
    Case,
    CaseSchool,
    ProsecutionReferral,
    SafetyFlag,
    Task,
)
from stepwise.cases.services import (
    Upload,
    case_open,
    log_entry_record,
    person_add,
    safety_flag_raise,
    task_add,
)
from stepwise.certificates.models import RegistrationCertificate
from stepwise.certificates.services import certificate_issue
from stepwise.dashboard.services import term_target_set
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import Letter, LetterBatch, LetterSender
from stepwise.letters.schools.services import school_letter_issue
from stepwise.letters.word.services import word_template_add
from stepwise.onboarding.models import ImportUpload
from stepwise.onboarding.organisations import school_setup
from stepwise.readiness.models import ReferralStatusChange
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.register.importers.caregivers import import_caregivers
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.responses.models import Description, ResponseActivity
from stepwise.responses.services import description_add, response_record
from stepwise.schools.catchments import catchment_add
from stepwise.schools.models import School, Student, Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.services import school_evaluate

TODAY = date(2026, 11, 20)  # the last day with marks: a Friday in Term 4 2026
TERM_KEY = "2026T4"
TERM_START = date(2026, 10, 12)
LABOUR_DAY = date(2026, 10, 26)  # a public holiday: the school is closed
PASSWORD = "a long demo password 4 tests"
# The letter each service has its own Word template for.
TEMPLATE_LETTER = "non_enrolment_1"

R = Membership.Role

# Each student: (national id, given name, family name, year level, whole days absent (T)).
A_STUDENTS = [
    ("100000001", "Aroha", "Ngata", 10, 15),  # reaches 5, 10 and 15 days
    ("100000002", "Ben", "Cooper", 10, 5),
    ("100000003", "Sam", "Lee", 9, 0),
]
B_STUDENTS = [
    ("200000001", "Tama", "Rua", 8, 15),
    ("200000002", "Hana", "Whetu", 7, 6),
]

# A student who left school A at the end of Term 3 and joined school B for Term 4: both
# schools may see them, each only its own records of them.
MOVER = ("300000001", "Rangi", "Moana")

# The users of the matrix: one per role and organisation (key -> organisation, role).
USERS = {
    "a_attendance_officer": ("school_a", R.ATTENDANCE_OFFICER),
    "a_school_leader": ("school_a", R.SCHOOL_LEADER),
    "a_school_admin": ("school_a", R.SCHOOL_ADMIN),
    "a_org_admin": ("school_a", R.ORG_ADMIN),
    "x_caseworker": ("service_x", R.CASEWORKER),
    "x_service_manager": ("service_x", R.SERVICE_MANAGER),
    "x_org_admin": ("service_x", R.ORG_ADMIN),
    "analyst": ("ministry", R.ANALYST),
    "prosecutions_officer": ("prosecutions", R.PROSECUTIONS_OFFICER),
    # Administers the installation: every organisation's page, no child's record.
    "installer": ("installation", R.ORG_ADMIN),
}


def school_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day != LABOUR_DAY:
            days.append(day)
        day += timedelta(days=1)
    return days


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def add_school(code: str, name: str, students: list[tuple]) -> School:
    """Add an NZ school with a roster and Term 4 2026's register up to TODAY, evaluated."""
    school = school_setup(code=code, name=name, pack="nz", today=TODAY)
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,"
            "enrolled_from,enrolled_to",
            [
                f"{code},{nid},{given},{family},2013-03-04,{level},2026-02-02,"
                for nid, given, family, level, _ in students
            ],
        ),
        file_name=f"{code}-roster.csv",
    )
    marks = []
    for nid, _given, _family, _level, absent in students:
        for i, day in enumerate(school_days(TERM_START, TODAY)):
            mark = "T" if i < absent else "P"
            for session in ("AM", "PM"):
                marks.append(f"{code},{nid},{day.isoformat()},{session},{mark}")
    import_register(
        csv_bytes("school_id,student_id,date,session,code", marks),
        file_name=f"{code}-register.csv",
    )
    school_evaluate(school=school, as_of=TODAY)
    return school


def add_upload(school: School, by: User, name: str) -> ImportUpload:
    """Add an upload the worker refused, with the problem it found (no worker runs here)."""
    return ImportUpload.objects.create(
        school=school,
        kind="register",
        file_name=name,
        sha256="0" * 64,
        requested_by=by,
        requested_at=timezone.now(),
        status=ImportUpload.Status.REJECTED,
        problems=[[2, "student_id", f"{school.code}: Tama of Tōtara is not enrolled"]
                  if school.code == "NZ-0999" else [2, "student_id", "not enrolled"]],
        finished_at=timezone.now(),
    )  # fmt: skip


def add_member(username: str, organisation: Organisation, role: str, *, password=None) -> User:
    """Add a user with one role; without a password (fast to make) unless one is given."""
    user = get_user_model().objects.create_user(
        username, password=password, first_name=username.title(), last_name="Person"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def add_case(
    service: Organisation, worker: User, child: tuple[str, str], note: str
) -> tuple[Case, SafetyFlag, Task, Attachment]:
    """Open a case with a log entry and its attachment, a safety flag and a task."""
    prefix = service.name.split()[0]
    case = case_open(
        service=service,
        by=worker,
        reason=Case.Reason.NOT_ENROLLED,
        given_name=child[0],
        family_name=child[1],
        birth_date=date(2014, 5, 1),
        assign_to=worker,
        today=TODAY,
    )
    entry = log_entry_record(
        case=case,
        by=worker,
        kind="home_visit",
        outcome="refused",
        happened_at=timezone.make_aware(datetime.combine(TODAY, time(10))),
        notes=note,
        uploads=[Upload(f"{prefix.lower()}-minutes.txt", "text/plain", note.encode())],
    )
    flag = safety_flag_raise(
        case=case, by=worker, kind="dogs", note=f"{prefix} dogs", address="1 Road"
    )
    task = task_add(case=case, title=f"{prefix} task", due_on=TODAY, by=worker)
    return case, flag, task, entry.attachments.get()


def add_letter(case: Case, worker: User, caregiver: tuple[str, str]) -> Letter:
    """Send letter 1 of the non-enrolment set to one caregiver of the case."""
    LetterSender.objects.get_or_create(organisation=case.service, defaults={"phone": "07 000"})
    person_add(case=case, role="caregiver", given_name=caregiver[0], family_name=caregiver[1],
               parental_responsibility=True, address="2 Road")  # fmt: skip
    (letter,) = letter_issue(
        case=case,
        letter_key="non_enrolment_1",
        by=worker,
        sent_on=TODAY,
        method="post",
        reason="no answer at the door",
        figures=Figures(not_enrolled_since=date(2026, 8, 3)),
        now=timezone.make_aware(datetime.combine(TODAY, time(15))),
    )
    return letter


def add_school_letter(school: School, student: Student, officer: User) -> Letter:
    """Send the school's letter 1 about the student to their caregiver."""
    LetterSender.objects.get_or_create(
        organisation=school.organisation, defaults={"phone": "07 111"}
    )
    (letter,) = school_letter_issue(
        school=school,
        student=student,
        letter_key="school_notification",
        by=officer,
        sent_on=TODAY,
        method="post",
        reason="reached 10 days absent",
        figures=Figures(days_missed=Decimal(15), days_possible=Decimal(29)),
        now=timezone.make_aware(datetime.combine(TODAY, time(15))),
    )
    return letter


def add_certificate(school: School, student: Student, by: User) -> RegistrationCertificate:
    return certificate_issue(
        school=school, student=student, period="this_year", by=by,
        issued_for=school.organisation, confirmed_unresolved=True,
        now=timezone.make_aware(datetime.combine(TODAY, time(17))),
    )  # fmt: skip


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_prosecution(case: Case, team: Organisation, by: User) -> ProsecutionReferral:
    """Refer the case as it stands (the matrix needs the referral, not a ready case)."""
    now = timezone.make_aware(datetime.combine(TODAY, time(16)))
    referral = ProsecutionReferral.objects.create(
        case=case, checklist="nz_prosecution", team=team, notification=f"Case {case.reference}",
        checklist_snapshot=[], made_by=by, made_at=now,
    )  # fmt: skip
    ReferralStatusChange.objects.create(
        referral=referral, status=referral.status, changed_by=by, changed_at=now
    )
    return referral


def add_batch(organisation: Organisation, by: User, letter: Letter, school=None) -> LetterBatch:
    """A finished batch that sent `letter`: its page and print file (the task never runs here)."""
    batch = LetterBatch.objects.create(
        organisation=organisation,
        school=school,
        kind=LetterBatch.Kind.SCHOOL if school else LetterBatch.Kind.SERVICE,
        pack="nz",
        letter_key=letter.letter_key,
        title=letter.title,
        threshold="amp10" if school else "",
        sent_on=TODAY,
        method="post",
        reason=f"{organisation.name} batch",
        requested_by=by,
        requested_at=timezone.make_aware(datetime.combine(TODAY, time(16))),
        status=LetterBatch.Status.DONE,
        total=1,
        done=1,
        sent=1,
    )
    item = batch.items.create(
        position=0, student=letter.student, case=letter.case, label="item", status="sent"
    )
    item.letters.add(letter)
    return batch


@dataclass
class World:
    school_a: School
    school_b: School
    service_x: Organisation
    service_y: Organisation
    ministry: Organisation
    prosecutions: Organisation
    users: dict[str, User]
    term_a: Term
    term_b: Term
    student_a: Student  # Aroha Ngata, at school A
    student_b: Student  # Tama Rua, at school B
    mover: Student  # school B's record of Rangi Moana (school A holds one of its own)
    event_a: ThresholdEvent
    event_b: ThresholdEvent
    description_a: Description
    description_b: Description
    response_a: ResponseActivity  # school A's response recorded with its referral
    response_b: ResponseActivity  # school B's response at Tama's threshold
    referral_a: Referral  # school A to service X
    referral_b: Referral  # school B to service Y
    case_x: Case  # service X's case of a child not enrolled anywhere
    case_y: Case  # service Y's case, with a log entry, an attachment, a flag and a task
    flag_x: SafetyFlag
    flag_y: SafetyFlag
    task_x: Task
    task_y: Task
    attachment_x: Attachment
    attachment_y: Attachment
    letter_x: Letter  # letter 1 to service X's case's caregiver
    letter_y: Letter  # letter 1 to service Y's case's caregiver, Huia Harbourside
    school_letter_a: Letter  # school A's letter 1 about Aroha to Hine Ngata
    school_letter_b: Letter  # school B's letter 1 about Tama to Mere Rua
    batch_a: LetterBatch  # finished batches, each with a letter to print
    batch_b: LetterBatch
    batch_x: LetterBatch
    batch_y: LetterBatch
    other_team: Organisation  # a prosecutions team the matrix's team member is not in
    prosecution_x: ProsecutionReferral  # service X's case, referred to the matrix's team
    prosecution_y: ProsecutionReferral  # service Y's case, referred to the other team
    certificate_a: RegistrationCertificate  # Aroha's this year, issued by school A
    certificate_b: RegistrationCertificate  # Tama's this year, issued by school B
    upload_a: ImportUpload  # a refused upload on school A's page, with its problems
    upload_b: ImportUpload  # the same on school B's, naming Tama
    edfi_event_b: EdFiAttendanceEvent  # an Ed-Fi event of Tama's kept by id at school B

    # Through a case, each service reaches its own child's certificates only.
    @property
    def certificate_x(self) -> RegistrationCertificate:
        return self.certificate_a

    @property
    def certificate_y(self) -> RegistrationCertificate:
        return self.certificate_b

    token_a: ApiToken  # school A's API token
    token_b: ApiToken  # school B's API token, which A's admins must never see or revoke
    # API tokens (their secrets) of the organisations the users work for, by client name:
    # each must reach nothing of school B's through the API (tests/security/test_api_matrix.py).
    api_secrets: dict[str, str]
    # What must never appear on a page shown to a user of A, X, the Ministry or the
    # prosecutions team: school B's name, its students' and caregivers' names, B's
    # referral summaries and links, a Description, audit details and responses of B's.
    secrets: list[str] = field(default_factory=list)


def build_world() -> World:
    school_a = add_school("NZ-0427", "Kōwhai College", A_STUDENTS)
    school_b = add_school("NZ-0999", "Tōtara School", B_STUDENTS)
    service_x = Organisation.objects.create(
        name="Kōwhai Attendance Service", kind=Organisation.Kind.SERVICE
    )
    service_y = Organisation.objects.create(
        name="Harbour Attendance Service", kind=Organisation.Kind.SERVICE
    )
    # Each service's catchment holds its own school only.
    catchment_add(service=service_x, schools=[school_a])
    catchment_add(service=service_y, schools=[school_b])
    ministry = Organisation.objects.create(
        name="Ministry Analysts", kind=Organisation.Kind.MINISTRY
    )
    prosecutions = Organisation.objects.create(
        name="Regional Prosecutions Team", kind=Organisation.Kind.PROSECUTIONS
    )
    installation = Organisation.objects.create(
        name="Installation administrators", kind=Organisation.Kind.INSTALLATION
    )
    orgs = {
        "school_a": school_a.organisation,
        "service_x": service_x,
        "ministry": ministry,
        "prosecutions": prosecutions,
        "installation": installation,
    }
    users = {key: add_member(key, orgs[org], role) for key, (org, role) in USERS.items()}
    # School B's and service Y's own staff: they make B's records, never sign in here.
    b_officer = add_member("b_officer", school_b.organisation, R.ATTENDANCE_OFFICER)
    add_member("y_caseworker", service_y, R.CASEWORKER)

    import_caregivers(
        csv_bytes(
            "school_id,student_id,caregiver_id,given_name,family_name,relationship,"
            "lives_with_student,parental_responsibility,email,phone,address,preferred_language",
            [
                "NZ-0999,200000001,CG-1,Mere,Rua,mother,yes,yes,mere@example.org,021 000 0009,"
                '"9 Harbour Road, Town",mi'
            ],
        ),
        file_name="NZ-0999-caregivers.csv",
    )
    nid, given, family = MOVER
    import_roster(
        csv_bytes(
            "school_id,student_id,given_name,family_name,birth_date,year_level,"
            "enrolled_from,enrolled_to",
            [
                f"NZ-0427,{nid},{given},{family},2013-05-06,8,2026-02-02,2026-09-25",
                f"NZ-0999,{nid},{given},{family},2013-05-06,8,2026-10-12,",
            ],
        ),
        file_name="mover-roster.csv",
    )
    import_caregivers(
        csv_bytes(
            "school_id,student_id,caregiver_id,given_name,family_name,relationship,"
            "lives_with_student,parental_responsibility,email,phone,address,preferred_language",
            [
                f"NZ-0999,{nid},CG-2,Kiri,{family},aunt,yes,yes,kiri@example.org,021 000 0008,"
                '"8 Harbour Road, Town",en'
            ],
        ),
        file_name="NZ-0999-mover-caregivers.csv",
    )
    mover = Student.objects.get(national_id=nid, school=school_b)

    term_a = school_a.terms.get(year=2026, number=4)
    term_b = school_b.terms.get(year=2026, number=4)
    student_a = Student.objects.get(national_id="100000001")
    student_b = Student.objects.get(national_id="200000001")
    event_a = ThresholdEvent.objects.filter(student=student_a, term=term_a).first()
    event_b = ThresholdEvent.objects.filter(student=student_b, term=term_b).first()
    assert event_a is not None and event_b is not None, "the registers should reach thresholds"

    description_a = school_a.descriptions.filter(response_type="conversation").first()
    description_b = description_add(
        school=school_b, response_type="conversation", text="Home visit by the dean"
    )
    response_b = response_record(
        school=school_b,
        student=student_b,
        threshold_event=event_b,
        response_type="conversation",
        description=description_b,
        happened_on=TODAY,
        done_by="B Officer",
        recorded_by=b_officer,
        notes="Private to Tōtara School.",
    )
    referral_b = referral_create(
        school=school_b,
        student=student_b,
        service=service_y,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Tōtara secret: absent every day since the river flooded.",
        referred_by=b_officer,
    )
    response_record(
        school=school_b,
        student=mover,
        response_type="conversation",
        description=description_b,
        happened_on=TODAY,
        done_by="B Officer",
        recorded_by=b_officer,
        notes="Private to Tōtara School about Rangi.",
    )
    mover_referral = referral_create(
        school=school_b,
        student=mover,
        service=service_y,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Tōtara secret about Rangi: caring for a younger brother.",
        referred_by=b_officer,
    )
    referral_a = referral_create(
        school=school_a,
        student=student_a,
        service=service_x,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Absent most days this term; letters home unanswered.",
        referred_by=users["a_attendance_officer"],
    )
    term_target_set(term=term_b, regular_percent=Decimal("71.5"))
    y_manager = add_member("y_manager", service_y, R.SERVICE_MANAGER)
    case_x, flag_x, task_x, attachment_x = add_case(
        service_x, users["x_service_manager"], ("Kiri", "Tane"), "Seen at the park."
    )
    case_y, flag_y, task_y, attachment_y = add_case(
        service_y, y_manager, ("Wiremu", "Harbourside"), "Harbour secret: uncle at the door."
    )
    letter_x = add_letter(case_x, users["x_service_manager"], ("Rita", "Tane"))
    letter_y = add_letter(case_y, y_manager, ("Huia", "Harbourside"))
    # A high rate limit: the matrix sends each token hundreds of requests a minute.
    tokens = {
        key: token_create(organisation=org, name=f"{key} SMS", created_by=None,
                          rate_per_minute=1_000_000)
        for key, org in (("a_token", school_a.organisation), ("x_token", service_x),
                         ("ministry_token", ministry), ("prosecutions_token", prosecutions),
                         ("b_token", school_b.organisation))
    }  # fmt: skip
    for organisation, detail in ((school_b.organisation, "B"), (service_y, "Y")):
        AuditEvent.objects.create(
            user=b_officer,
            organisation=organisation,
            action=AuditEvent.Action.VIEW,
            object_type="student",
            object_id=str(student_b.pk),
            detail=f"a view recorded for {detail}",
        )
    import_caregivers(
        csv_bytes(
            "school_id,student_id,caregiver_id,given_name,family_name,relationship,"
            "lives_with_student,parental_responsibility,email,phone,address,preferred_language",
            ['NZ-0427,100000001,CG-1,Hine,Ngata,mother,yes,yes,,021 000 0001,"1 Road, Town",'],
        ),
        file_name="NZ-0427-caregivers.csv",
    )
    school_letter_a = add_school_letter(school_a, student_a, users["a_attendance_officer"])
    school_letter_b = add_school_letter(school_b, student_b, b_officer)
    batch_a = add_batch(school_a.organisation, users["a_attendance_officer"], school_letter_a,
                        school=school_a)  # fmt: skip
    batch_b = add_batch(school_b.organisation, b_officer, school_letter_b, school=school_b)
    batch_x = add_batch(service_x, users["x_service_manager"], letter_x)
    batch_y = add_batch(service_y, y_manager, letter_y)
    for organisation, by, prefix in (
        (service_x, users["x_service_manager"], "kowhai"),
        (service_y, y_manager, "harbour"),
    ):
        word_template_add(
            organisation=organisation, letter_key=TEMPLATE_LETTER, by=by,
            file_name=f"{prefix}-letterhead.docx", content=docx_bytes("{{ greeting }}"),
        )  # fmt: skip
    # Service Y's case referred to another team; service X's to the matrix's own team.
    other_team = Organisation.objects.create(
        name="Another Prosecutions Team", kind=Organisation.Kind.PROSECUTIONS
    )
    prosecution_x = add_prosecution(case_x, prosecutions, users["x_service_manager"])
    prosecution_y = add_prosecution(case_y, other_team, y_manager)
    # Service X's case is about school A's Aroha, so it can issue her certificates.
    Case.objects.filter(pk=case_x.pk).update(student=student_a)
    CaseSchool.objects.create(case=case_x, school=school_a, name=school_a.name)
    certificate_a = add_certificate(school_a, student_a, users["a_attendance_officer"])
    certificate_b = add_certificate(school_b, student_b, b_officer)
    upload_a = add_upload(school_a, users["a_attendance_officer"], "kowhai-register.csv")
    upload_b = add_upload(school_b, b_officer, "totara-register.csv")
    # Recorded for Tama and Rangi, one for each referral, and school B's letter.
    assert ResponseActivity.objects.filter(school=school_b).count() == 5
    response_a = ResponseActivity.objects.get(school=school_a, student=student_a, letter=None)

    return World(
        school_a=school_a,
        school_b=school_b,
        service_x=service_x,
        service_y=service_y,
        ministry=ministry,
        prosecutions=prosecutions,
        users=users,
        term_a=term_a,
        term_b=term_b,
        student_a=student_a,
        student_b=student_b,
        mover=mover,
        event_a=event_a,
        event_b=event_b,
        description_a=description_a,
        description_b=description_b,
        response_a=response_a,
        response_b=response_b,
        referral_a=referral_a,
        referral_b=referral_b,
        case_x=case_x,
        case_y=case_y,
        flag_x=flag_x,
        flag_y=flag_y,
        task_x=task_x,
        task_y=task_y,
        attachment_x=attachment_x,
        attachment_y=attachment_y,
        letter_x=letter_x,
        letter_y=letter_y,
        school_letter_a=school_letter_a,
        school_letter_b=school_letter_b,
        batch_a=batch_a,
        batch_b=batch_b,
        batch_x=batch_x,
        batch_y=batch_y,
        other_team=other_team,
        prosecution_x=prosecution_x,
        prosecution_y=prosecution_y,
        certificate_a=certificate_a,
        certificate_b=certificate_b,
        upload_a=upload_a,
        upload_b=upload_b,
        edfi_event_b=EdFiAttendanceEvent.objects.create(
            resource_id="b" * 32,
            school=school_b,
            student_unique_id=student_b.national_id,
            event_date=date(2026, 11, 20),
            descriptor="Unexcused Absence",
            school_year=2026,
            session_name="Term 4 2026",
            body={"eventDate": "2026-11-20"},
            last_modified=timezone.now(),
        ),
        token_a=tokens["a_token"][0],
        token_b=tokens["b_token"][0],
        api_secrets={key: secret for key, (_, secret) in tokens.items() if key != "b_token"},
        secrets=[
            school_b.name,
            *(f"{given} {family}" for _, given, family, _, _ in B_STUDENTS),
            *(f"{family}, {given}" for _, given, family, _, _ in B_STUDENTS),
            "Mere Rua",  # Tama's mother, a caregiver on school B's records
            "Kiri Moana",  # Rangi's aunt, known to school B only
            "kiri@example.org",
            referral_b.summary,
            mover_referral.summary,
            # Links to school B's referrals, as a student page would list them.
            *(f'"{reverse("referral", args=[r.pk])}"' for r in (referral_b, mover_referral)),
            "a view recorded for",  # the detail of B's and Y's audit events
            "B Officer",  # who did B's responses
            description_b.text,
            "Wiremu Harbourside",  # service Y's case: the child, the log, the flag, the task
            "Harbour secret: uncle at the door.",
            "Harbour dogs",
            "Harbour task",
            "harbour-minutes.txt",
            "Huia Harbourside",  # the caregiver service Y wrote to
            "Harbour Attendance Service batch",  # service Y's batch's reason
            "harbour-letterhead.docx",  # service Y's Word template
            "Tōtara School batch",
            "b_token SMS",  # school B's API token's name
            "totara-register.csv",  # school B's upload, and its problem about Tama
            "Tama of Tōtara",
            tokens["b_token"][0].prefix,
        ],
    )
