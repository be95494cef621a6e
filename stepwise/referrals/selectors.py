"""Reads of referrals: a school's own, one student's, and a service's inbox ranked for triage."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.rules.pack import Pack, load_pack
from stepwise.schools.catchments import (
    catchment_pack_key,
    installation_pack_key,
    services_covering,
)
from stepwise.schools.models import School, Student, Term
from stepwise.standings.selectors import current_term, evaluate_terms

from .choices import reason_label
from .models import Referral


def referrals_for_school(school: School) -> QuerySet[Referral]:
    """Return the referrals a school has made, newest first."""
    return school.referrals.select_related("student", "service").order_by("-referred_at", "-pk")


def referrals_for_student(school: School, student: Student) -> QuerySet[Referral]:
    """Return a school's referrals of one student, newest first."""
    return referrals_for_school(school).filter(student=student)


def referral_services(school: School) -> QuerySet[Organisation]:
    """Return the attendance services a school may refer to: those whose catchment includes it."""
    return services_covering(school)


# A referral the service has yet to accept or decline.
UNDECIDED = (Referral.Status.SUBMITTED, Referral.Status.WAITLISTED)


def inbox_pack(service: Organisation) -> Pack:
    """Return the pack whose words the service's inbox uses: its jurisdiction's as recorded,
    else its catchment's, else that of a school that referred to it."""
    pack_key = catchment_pack_key(service) or (
        Referral.objects.filter(service=service)
        .order_by()
        .values_list("school__pack", flat=True)[:1]
        .first()
    )
    return load_pack(pack_key or installation_pack_key())


# --- The triage inbox -----------------------------------------------------------------

# How each part of a referral weighs on its place in the inbox. Absence is the main
# term; a referral waiting longer and a younger child rise (habits set early are the
# ones the service can still shift). A child not enrolled anywhere misses all school
# and goes ahead of every enrolled child, whatever the scores.
WAITING_POINTS_PER_DAY = 0.5
WAITING_DAYS_COUNTED = 60
UNJUSTIFIED_POINTS = 20  # at 100% unjustified
TREND_POINTS_PER_POINT = 0.5  # per percentage point worse than last term
YOUNGER_POINTS_PER_YEAR = 1.0  # per year under 16
NOT_ENROLLED_SEVERITY = 100.0


@dataclass
class Triaged:
    referral: Referral
    score: float
    reasons: list[str]


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _absence_by_student(referrals: list[Referral], today: date) -> dict[int, dict[str, Any]]:
    """Return each referred student's standing now and last term, at the referring school."""
    terms: list[Term] = []
    previous: dict[int, Term] = {}
    for school in {r.school for r in referrals}:
        term = current_term(school, today)
        if term is None:
            continue
        terms.append(term)
        before = school.terms.filter(end__lt=term.start).order_by("-start").first()
        if before is not None:
            previous[school.pk] = before
    pks = [r.student_id for r in referrals]
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for when, chosen in (("now", terms), ("before", list(previous.values()))):
        if not chosen:
            continue
        for group in evaluate_terms(chosen, as_of=today, student_pks=pks):
            for i, pk in enumerate(group.student_pk.tolist()):
                found[pk][when] = group.standings.row(i)
    return found


def triage(service: Organisation, today: date | None = None) -> list[Triaged]:
    """Rank the referrals waiting for the service's decision, each with why it is there."""
    today = today or timezone.localdate()
    referrals = list(
        Referral.objects.filter(service=service, status__in=UNDECIDED).select_related(
            "student", "school"
        )
    )
    standing = _absence_by_student(referrals, today)
    ranked = []
    for referral in referrals:
        score, reasons = 0.0, []
        now = standing.get(referral.student_id, {}).get("now")
        before = standing.get(referral.student_id, {}).get("before")
        pack = referral.school.rules
        if referral.reason == Referral.Reason.NOT_ENROLLED:
            score += NOT_ENROLLED_SEVERITY
            reasons.append(reason_label(pack, referral.reason).lower())
        elif now is not None and now["possible"]:
            absence = 100.0 - (now["attendance_percent"] or 0.0)
            score += absence
            reasons.append(f"missed {now['days_absent']:g} days this term ({absence:.0f}%)")
            if now["absent"]:
                share = now["unjustified"] / now["absent"]
                score += share * UNJUSTIFIED_POINTS
                reasons.append(f"{share:.0%} {pack.word('unjustified')}")
            if before is not None and before["possible"]:
                change = absence - (100.0 - (before["attendance_percent"] or 0.0))
                if change > 0:
                    score += change * TREND_POINTS_PER_POINT
                reasons.append(
                    f"{'up' if change > 0 else 'down'} {abs(change):.0f} points on last term"
                    if round(change)
                    else "same as last term"
                )
        else:
            reasons.append("no register this term")
        waiting = (today - timezone.localdate(referral.referred_at)).days
        score += min(waiting, WAITING_DAYS_COUNTED) * WAITING_POINTS_PER_DAY
        reasons.append(f"waiting {waiting} day{'s' if waiting != 1 else ''}")
        age = _age(referral.student.birth_date, today)
        score += max(0, 16 - age) * YOUNGER_POINTS_PER_YEAR
        reasons.append(f"age {age}")
        ranked.append(Triaged(referral, round(score, 1), reasons))
    ranked.sort(
        key=lambda t: (
            t.referral.reason != Referral.Reason.NOT_ENROLLED,
            -t.score,
            t.referral.referred_at,
        )
    )
    return ranked


def decided_referrals(service: Organisation) -> QuerySet[Referral]:
    """Return the service's accepted and declined referrals, newest decision first."""
    return (
        Referral.objects.filter(service=service)
        .exclude(status__in=UNDECIDED)
        .select_related("student", "school", "decided_by", "case")
        .order_by("-decided_at", "-pk")
    )
