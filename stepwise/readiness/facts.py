"""Read what the record says about a case into the plain Facts the checklist evaluates."""

from datetime import date
from typing import Any

from django.utils import timezone

from stepwise.cases.models import Case
from stepwise.cases.selectors import case_pack, effective_log
from stepwise.certificates.selectors import certificates_for_student, year_periods
from stepwise.letters.cases.selectors import letters_sent, recipients
from stepwise.rules import readiness
from stepwise.rules.ladder import Recipient
from stepwise.rules.pack import Pack
from stepwise.standings.selectors import current_term, evaluate_terms
from stepwise.web.names import display_name

from .models import Attestation

# The attestation that a caregiver cannot be contacted, kept per person.
CANNOT_CONTACT = "cannot_contact"
# The attestation of what the service put right after the team returned its referral.
PUT_RIGHT = "put_right"


def _user_name(user: Any) -> str:
    return display_name(user)


def latest_attestations(case: Case) -> dict[str, Attestation]:
    """Return the newest attestation of each item (and of each person's "cannot contact")."""
    found: dict[str, Attestation] = {}
    for a in case.attestations.select_related("attested_by", "person"):  # newest first
        key = f"{a.item_key}:{a.person_id}" if a.person_id else a.item_key
        found.setdefault(key, a)
    return found


def _standing(case: Case, pack: Pack, today: date) -> dict[str, Any] | None:
    school = next((s.school for s in case.schools.all() if s.school is not None), None)
    if school is None or case.student_id is None:
        return None
    term = current_term(school, today)
    if term is None:
        return None
    for group in evaluate_terms([term], as_of=today, student_pks=[case.student_id]):
        for i, pk in enumerate(group.student_pk.tolist()):
            if pk == case.student_id:
                return group.standings.row(i)
    return None


def _thresholds(pack: Pack, row: dict[str, Any] | None) -> dict[str, readiness.Threshold]:
    if row is None:
        return {}
    found = {}
    for t in pack.thresholds:
        reached = row["thresholds"].get(t.key)
        # A rolling threshold is ongoing only while it is met now; a term count stays met.
        ongoing = bool(row["current"].get(t.key, reached is not None))
        # The engine's row gives the day as ISO text; the checklist reads a date.
        day = date.fromisoformat(reached) if isinstance(reached, str) else reached
        found[t.key] = readiness.Threshold(day, ongoing)
    return found


def case_facts(case: Case, today: date | None = None) -> tuple[Pack, readiness.Facts]:
    """Return the case's pack and everything its referral checklist reads."""
    today = today or timezone.localdate()
    pack = case_pack(case)
    people = recipients(case)
    said = latest_attestations(case)
    cannot_contact = {
        str(p.pk): said[f"{CANNOT_CONTACT}:{p.pk}"].note
        for p in people
        if f"{CANNOT_CONTACT}:{p.pk}" in said
    }
    log = [e for e in effective_log(case) if not e.superseded]  # type: ignore[attr-defined]
    school = next((s.school for s in case.schools.all() if s.school is not None), None)
    has_register = school is not None and case.student_id is not None
    this_year = last_year = None
    certificates: tuple[readiness.Certificate, ...] = ()
    if has_register:
        assert school is not None
        this_year, last_year = year_periods(school, today)
        certificates = tuple(
            readiness.Certificate(
                first=c.first_day,
                last=c.last_day,
                issued_on=timezone.localdate(c.issued_at),
                unresolved=c.unresolved,
                changed_since_issue=c.changed_since_issue,
            )
            for c in certificates_for_student(case.student)  # type: ignore[arg-type]
        )
    return pack, readiness.Facts(
        case_reason=case.reason,
        today=today,
        recipients=tuple(Recipient(str(p.pk), p.full_name) for p in people),
        sent=letters_sent(case),
        recent_within_days=pack.letters.recent_within_days,
        cannot_contact=cannot_contact,
        contacts=tuple(
            readiness.Contact(
                timezone.localdate(e.happened_at),
                e.kind,
                e.outcome,
                e.support,
                noted=bool(e.notes.strip()),
            )
            for e in log
        ),
        overdue_tasks=case.tasks.filter(done_at__isnull=True, due_on__lt=today).count(),
        no_contact_days=pack.engagement.no_contact_days,
        agencies=tuple(case.agencies.filter(ended_on__isnull=True).values_list("kind", flat=True)),
        missing_details=tuple(
            p.full_name
            for p in people
            if not (p.address or p.phone) and str(p.pk) not in cannot_contact
        ),
        attested={
            key: readiness.Attested(a.answer, _user_name(a.attested_by), a.happened_on, a.note)
            for key, a in said.items()
            if a.person_id is None
        },
        has_register=has_register,
        thresholds=_thresholds(pack, _standing(case, pack, today)),
        certificates=certificates,
        this_year=this_year,
        last_year=last_year,
    )
