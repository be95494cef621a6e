"""The triage inbox ranks waiting referrals by severity, waiting time and age, and says why."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from stepwise.referrals.models import Referral
from stepwise.referrals.selectors import triage

from .conftest import TODAY, at


def refer(school, student, service, officer, days_ago: int, reason=Referral.Reason.CHRONIC_ABSENCE):
    return Referral.objects.create(
        school=school,
        student=student,
        service=service,
        reason=reason,
        summary="Absent.",
        referred_by=officer,
        referred_at=at(TODAY - timedelta(days=days_ago)),
    )


def test_the_most_absent_student_comes_first_with_the_reasons(school, students, service, officer):
    ben = refer(school, students["Ben"], service, officer, days_ago=20)
    aroha = refer(school, students["Aroha"], service, officer, days_ago=1)
    ranked = triage(service, TODAY)
    assert [t.referral for t in ranked] == [aroha, ben]
    reasons = ranked[0].reasons
    assert reasons[0] == "missed 29 days this term (100%)"
    assert "38% unjustified" in reasons  # M, M, M, T, T in turn: 11 of 29 days are T
    assert "waiting 1 day" in reasons
    assert ranked[1].reasons[0] == "missed 12 days this term (41%)"
    assert "waiting 20 days" in ranked[1].reasons


def test_a_child_not_enrolled_anywhere_goes_first(school, students, service, officer):
    refer(school, students["Aroha"], service, officer, days_ago=1)
    sam = refer(school, students["Sam"], service, officer, 0, Referral.Reason.NOT_ENROLLED)
    ranked = triage(service, TODAY)
    assert ranked[0].referral == sam and ranked[0].reasons[0] == "not enrolled anywhere"


def test_decided_referrals_leave_the_queue(school, students, service, officer):
    decided = refer(school, students["Aroha"], service, officer, days_ago=1)
    decided.status = Referral.Status.DECLINED
    decided.decided_at = timezone.now()
    decided.save()
    assert triage(service, TODAY) == []


def test_the_inbox_shows_the_ranking_to_the_service(
    login, school, students, service, officer, manager
):
    refer(school, students["Ben"], service, officer, days_ago=3)
    page = login(manager).get(reverse("service_inbox", args=[service.pk])).content.decode()
    assert "Ben Cooper" in page and "Missed 12 days this term" in page
    assert reverse("referral_decide", args=[Referral.objects.get().pk]) in page
