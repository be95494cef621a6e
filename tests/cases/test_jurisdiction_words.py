"""A Kent school and its attendance service work in England's words, from the Kent pack:
their referral reasons, the kinds of contact a log offers, the agencies, the student
number's name, the chronology's counts; and a Kent school refers only within England.

Who is who: Oakfield Primary (Kent) refers Ava Smith to the Kent Attendance Service,
whose `kent_manager` accepts and whose `kent_caseworker` works the case. Kōwhai College
and its Kōwhai Attendance Service (New Zealand) are the other country's, as in conftest.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from stepwise.accounts.models import Membership, Organisation
from stepwise.cases.models import Agency, Case, LogEntry
from stepwise.cases.services import referral_accept
from stepwise.onboarding.organisations import school_setup
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.rules.pack import AGENCY_KINDS, CASE_REASONS, LOG_KINDS
from stepwise.schools.catchments import catchment_add
from stepwise.schools.models import School, Student
from tests.front.conftest import TODAY, csv_bytes
from tests.referrals.conftest import add_member

from .conftest import at

ROSTER = (
    "school_id,student_id,given_name,family_name,birth_date,year_level,enrolled_from,enrolled_to"
)


@pytest.fixture
def kent_school(db) -> School:
    school = school_setup(code="KT-1", name="Oakfield Primary", pack="kent", today=TODAY)
    import_roster(
        csv_bytes(ROSTER, ["KT-1,A123456789012,Ava,Smith,2016-05-06,5,2025-09-01,"]),
        file_name="kent-roster.csv",
    )
    import_register(
        csv_bytes(
            "school_id,student_id,date,session,code",
            [f"KT-1,A123456789012,2026-11-{d},{s},O" for d in (16, 17) for s in ("AM", "PM")],
        ),
        file_name="kent-register.csv",
    )
    return school


@pytest.fixture
def kent_service(kent_school) -> Organisation:
    service = Organisation.objects.create(
        name="Kent Attendance Service", kind=Organisation.Kind.SERVICE, pack="kent"
    )
    catchment_add(service=service, schools=[kent_school])
    return service


@pytest.fixture
def kent_officer(kent_school):
    return add_member("kentofficer", kent_school.organisation, Membership.Role.ATTENDANCE_OFFICER)


@pytest.fixture
def kent_manager(kent_service):
    return add_member("kentmanager", kent_service, Membership.Role.SERVICE_MANAGER)


@pytest.fixture
def kent_caseworker(kent_service):
    return add_member("kentcaseworker", kent_service, Membership.Role.CASEWORKER)


@pytest.fixture
def kent_referral(kent_school, kent_service, kent_officer) -> Referral:
    return Referral.objects.create(
        school=kent_school,
        student=Student.objects.get(national_id="A123456789012"),
        service=kent_service,
        reason=Referral.Reason.CHRONIC_ABSENCE,
        summary="Unauthorised absence most weeks since September.",
        referred_by=kent_officer,
        referred_at=timezone.now(),
    )


@pytest.fixture
def kent_case(kent_referral, kent_manager, kent_caseworker) -> Case:
    return referral_accept(
        referral=kent_referral, by=kent_manager, assign_to=kent_caseworker, now=at(TODAY, 9)
    )


def test_the_packs_name_only_keys_the_records_know():
    assert set(CASE_REASONS) == set(Case.Reason.values) == set(Referral.Reason.values)
    assert set(LOG_KINDS) == set(LogEntry.Kind.values)
    assert set(AGENCY_KINDS) == set(Agency.Kind.values)


def test_a_kent_service_opens_cases_for_englands_reasons(login, kent_caseworker, kent_service):
    html = login(kent_caseworker).get(f"/services/{kent_service.pk}/cases/new/").content.decode()
    assert ">Persistent absence</label>" in html
    assert ">Child missing education</label>" in html
    assert ">UPN</label>" in html
    assert "Chronic absence" not in html and "Not enrolled anywhere" not in html
    assert "National student number" not in html


def test_a_kent_log_offers_englands_kinds_of_contact(login, kent_caseworker, kent_case):
    html = login(kent_caseworker).get(f"/cases/{kent_case.pk}/log/new/").content.decode()
    assert '<option value="forum">Multi-agency meeting</option>' in html
    assert '<option value="home_visit">Home visit</option>' in html
    assert "the school nurse, a family support worker" in html
    for nz in ("Whānau hui", "MSD", "kaumātua", "whanau_hui"):
        assert nz not in html


def test_a_kent_log_refuses_a_new_zealand_kind_and_writes_nothing(
    login, kent_caseworker, kent_case
):
    response = login(kent_caseworker).post(
        f"/cases/{kent_case.pk}/log/new/",
        {"kind": "whanau_hui", "happened_at": "2026-11-19T10:00", "outcome": "engaged"},
    )
    assert response.status_code == 400
    assert "Select what kind of contact or event this was" in response.content.decode()
    assert not kent_case.log.filter(kind="whanau_hui").exists()


def test_a_kent_case_names_its_agencies_in_englands_words(login, kent_caseworker, kent_case):
    client = login(kent_caseworker)
    html = client.get(f"/cases/{kent_case.pk}/agencies/new/").content.decode()
    assert '<option value="children">Children&#x27;s social care or Early Help</option>' in html
    assert "Oranga Tamariki" not in html and "Iwi" not in html and ">MSD<" not in html
    Agency.objects.create(
        case=kent_case, kind="children", name="Ashford Early Help", added_on=TODAY
    )
    page = client.get(f"/cases/{kent_case.pk}/").content.decode()
    assert "Ashford Early Help (Children&#x27;s social care or Early Help)" in page
    assert "Persistent absence" in page and "Chronic absence" not in page


def test_a_new_zealand_case_keeps_new_zealands_words(login, caseworker, case):
    html = login(caseworker).get(f"/cases/{case.pk}/log/new/").content.decode()
    assert '<option value="whanau_hui">Whānau hui</option>' in html
    assert '<option value="msd">MSD contact</option>' in html
    assert "Chronic absence" in login(caseworker).get(f"/cases/{case.pk}/").content.decode()


def test_the_referral_reads_in_the_schools_words(
    login, kent_officer, kent_manager, kent_referral, kent_service
):
    inbox = login(kent_manager).get(f"/services/{kent_service.pk}/referrals/").content.decode()
    assert "Persistent absence" in inbox and "Chronic absence" not in inbox
    page = login(kent_manager).get(f"/referrals/{kent_referral.pk}/").content.decode()
    assert "Persistent absence" in page
    school = login(kent_officer).get("/schools/KT-1/referrals/").content.decode()
    assert "Persistent absence" in school


def test_the_chronology_counts_in_the_packs_words(login, kent_caseworker, kent_case):
    html = login(kent_caseworker).get(f"/cases/{kent_case.pk}/chronology/").content.decode()
    assert "Unauthorised absence: 4 sessions; Authorised absence: 0 sessions" in html
    assert "Referred by Oakfield Primary: persistent absence" in html
    assert "justified" not in html and "half-day" not in html


def test_a_kent_school_is_offered_only_services_in_england(
    login, kent_officer, kent_service, service
):
    service.pack = "nz"
    service.save()
    url = "/schools/KT-1/students/A123456789012/refer/"
    html = login(kent_officer).get(url).content.decode()
    assert "Kent Attendance Service" in html
    assert "Kōwhai Attendance Service" not in html
    assert ">Persistent absence</label>" in html
    # A New Zealand service's id sent anyway is refused, and nothing is written.
    with pytest.raises(ValidationError, match="its catchment does not include Oakfield Primary"):
        referral_create(
            school=School.objects.get(code="KT-1"),
            student=Student.objects.get(national_id="A123456789012"),
            service=service,
            reason="chronic_absence",
            summary="Absent.",
            referred_by=kent_officer,
        )
    assert not Referral.objects.exists()
