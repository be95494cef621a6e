"""The receiving service's inbox, the referral page, and the school's own list of referrals."""

from datetime import date

from django.utils import timezone

from stepwise.audit.models import AuditEvent
from stepwise.referrals.models import Referral
from stepwise.responses.models import ResponseActivity


def test_the_inbox_lists_the_referral(login, manager, referral, service):
    html = login(manager).get(f"/services/{service.pk}/referrals/").content.decode()
    assert '<h1 class="govuk-heading-l">Referrals inbox</h1>' in html
    assert f'href="/referrals/{referral.pk}/">Aroha Ngata</a>' in html
    assert "Kōwhai College" in html
    assert "Chronic absence" in html
    assert "Absent every day this term; three letters home unanswered." in html
    assert "Submitted" in html
    assert f"{timezone.localtime(referral.referred_at):%-d %B %Y}" in html


def test_the_inbox_holds_only_the_services_referrals(
    login, other_caseworker, other_service, referral
):
    html = login(other_caseworker).get(f"/services/{other_service.pk}/referrals/").content.decode()
    assert "Aroha Ngata" not in html
    assert "No school has referred a student to Harbour Attendance Service yet." in html


def test_the_status_shows_as_the_service_decides(login, manager, officer, referral, service):
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.WAITLISTED)
    assert "Waitlisted" in login(manager).get(f"/services/{service.pk}/referrals/").content.decode()
    assert "Waitlisted" in login(officer).get("/schools/NZ-0427/referrals/").content.decode()
    student_page = login(officer).get("/schools/NZ-0427/students/100000001/?term=2026T4")
    assert "Waitlisted" in student_page.content.decode()


def test_the_referral_page_shows_the_referral(login, manager, referral):
    html = login(manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert '<h1 class="govuk-heading-l">Aroha Ngata</h1>' in html
    assert "Referral to Kōwhai Attendance Service" in html
    assert "National Student Number" in html
    assert "100000001" in html
    assert "4 March 2011" in html  # date of birth
    assert "Absent every day this term; three letters home unanswered." in html
    # The service has no page of the school's to go to: it reads the school's name.
    assert "/schools/NZ-0427/students/" not in html
    assert "Kōwhai College" in html


def test_viewing_a_referral_is_audited(login, manager, officer, referral, service, school):
    login(manager).get(f"/referrals/{referral.pk}/")
    event = AuditEvent.objects.get()
    assert (event.user, event.organisation) == (manager, service)
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "referral",
        str(referral.pk),
    )
    login(officer).get(f"/referrals/{referral.pk}/")
    assert AuditEvent.objects.latest("pk").organisation == school.organisation
    assert AuditEvent.objects.count() == 2


def test_private_notes_never_reach_the_service(login, manager, officer, referral, service, school):
    ResponseActivity.objects.create(
        school=school,
        student=referral.student,
        response_type="conversation",
        description_text="Phone call",
        happened_on=date(2026, 11, 2),
        done_by="Officer",
        notes="PRIVATE: mother mentioned a court matter",
        recorded_by=officer,
        recorded_at=timezone.now(),
    )
    for url in (f"/referrals/{referral.pk}/", f"/services/{service.pk}/referrals/"):
        html = login(manager).get(url).content.decode()
        assert "PRIVATE" not in html
        # The page the service sees does carry the school's own summary.
        assert "Absent every day this term; three letters home unanswered." in html


def test_the_school_lists_its_referrals(login, officer, referral):
    html = login(officer).get("/schools/NZ-0427/referrals/").content.decode()
    assert "Referrals to attendance services" in html
    assert f'href="/referrals/{referral.pk}/">Aroha Ngata</a>' in html
    assert "Kōwhai Attendance Service" in html


def test_the_school_with_no_referrals_says_how_to_make_one(login, officer):
    html = login(officer).get("/schools/NZ-0427/referrals/").content.decode()
    assert "Kōwhai College has not referred any students yet." in html
