"""Reads for a case's letters: its ladder, who gets a letter, the child's numbers."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from stepwise.cases.models import Case, LogEntry, Person, ProsecutionReferral
from stepwise.cases.selectors import case_pack, live_referral
from stepwise.responses.models import ResponseActivity
from stepwise.rules.engagement import Signal, next_step_on_ladder
from stepwise.rules.ladder import History, Recipient, Sent, ladder, referral_gaps
from stepwise.rules.pack import LetterSet, Pack
from stepwise.standings.selectors import current_term, evaluate_terms

from ..models import Letter
from ..selectors import SCHOOL_LETTER_TYPE, Ladder, Numbers

# The precondition of a letter a referral makes due (one the pack marks `on_referral`).
REFERRED = "referred"


def case_letter_set(case: Case, pack: Pack) -> LetterSet | None:
    return pack.letters.set_for(case.reason)


def recipients(case: Case) -> list[Person]:
    """Return everyone who gets their own letter: each caregiver with parental responsibility."""
    return list(
        case.people.current()
        .filter(
            role__in=(Person.Role.CAREGIVER, Person.Role.OTHER_CARER),
            parental_responsibility=True,
        )
        .order_by("pk")
    )


def not_recipients(case: Case) -> list[Person]:
    """Return the adults on the case who get no letter, to show why not."""
    return list(
        case.people.current()
        .exclude(role=Person.Role.CHILD)
        .exclude(parental_responsibility=True)
        .order_by("pk")
    )


def sent_letters(case: Case) -> QuerySet[Letter]:
    """Return the case's letters, newest first, without their files."""
    return case.letters.defer("pdf").select_related("person", "issued_by")


def letters_sent(case: Case) -> tuple[Sent, ...]:
    """Return every letter the ladder counts: the service's, and a previous provider's.

    A transferred letter counts when its record gives its step and who it went to;
    one without them is only a warning (earlier_elsewhere).
    """
    ours = case.letters.values_list("step", "sent_on", "person_id")
    theirs = LogEntry.objects.filter(
        case=case, transferred=True, kind=LogEntry.Kind.LETTER, letter_step__isnull=False
    ).values_list("letter_step", "happened_at", "people")
    return (
        *(Sent(step, day, str(person)) for step, day, person in ours),
        *(
            Sent(step, timezone.localdate(at), str(person))
            for step, at, person in theirs
            if step is not None and person is not None
        ),
    )


def refusal_next_step(case: Case, signal: Signal) -> str:
    """Return the next step for a family not engaging: the pack's advice before any letter,
    then the next letter of the case's ladder, or the referral it leads to."""
    letter_set = case_letter_set(case, case_pack(case))
    return next_step_on_ladder(
        signal.next_step,
        letter_set,
        (sent.step for sent in letters_sent(case)),
        referred=ProsecutionReferral.objects.filter(case=case).live().exists(),
    )


@dataclass(frozen=True)
class LetterDue:
    step: int
    title: str
    since: date  # the day the case was referred
    to: list[str]  # the caregivers still waiting for it


def letters_due(case: Case, pack: Pack) -> list[LetterDue]:
    """Return the letters a referral makes due at once (`on_referral`) and who lacks them."""
    referral = live_referral(case)
    letter_set = case_letter_set(case, pack)
    if referral is None or letter_set is None:
        return []
    people = recipients(case)
    had = {(sent.step, int(sent.to)) for sent in letters_sent(case)}
    due = []
    for letter in letter_set.letters:
        if not letter.on_referral:
            continue
        waiting = [p.full_name for p in people if (letter.step, p.pk) not in had]
        if waiting:
            since = timezone.localdate(referral.made_at)
            due.append(LetterDue(letter.step, letter.title, since, waiting))
    return due


def earlier_elsewhere(case: Case) -> int:
    """Return how many letters the school or a previous provider sent, from imported records."""
    transferred = case.log.filter(kind=LogEntry.Kind.LETTER, transferred=True).count()
    from_school = 0
    if case.student_id is not None:
        from_school = (
            ResponseActivity.objects.effective()
            .filter(student_id=case.student_id, response_type=SCHOOL_LETTER_TYPE)
            .count()
        )
    return transferred + from_school


def attempt_days(case: Case) -> tuple[date, ...]:
    """Return the days of the case's recorded attempts to engage (contact with an outcome)."""
    times = case.log.exclude(outcome="").exclude(kind=LogEntry.Kind.LETTER)
    return tuple(
        sorted({timezone.localdate(t) for t in times.values_list("happened_at", flat=True)})
    )


def letter_history(
    case: Case,
    pack: Pack,
    today: date,
    confirmed: frozenset[str] = frozenset(),
    people: list[Person] | None = None,
) -> History:
    """Return what the ladder needs to know of the case as it stood on `today`.

    A letter dated in the past is judged by the letters and attempts of that day and
    before: what came later cannot make an earlier letter follow on.
    """
    people = recipients(case) if people is None else people
    sent = tuple(s for s in letters_sent(case) if s.on <= today)
    if ProsecutionReferral.objects.filter(case=case).live().exists():
        # Stepwise knows the case is referred: nobody need confirm it for an on_referral letter.
        confirmed = confirmed | {REFERRED}
    return History(
        sent=sent,
        attempts=tuple(d for d in attempt_days(case) if d <= today),
        recipients=tuple(Recipient(str(p.pk), p.full_name) for p in people),
        today=today,
        confirmed=confirmed,
        exploring_pathway=pack.engagement.pathway_warning if case.exploring_pathway else "",
        earlier_elsewhere=earlier_elsewhere(case),
        earlier_warning=pack.letters.earlier_letters_warning,
    )


def case_ladder(case: Case, today: date) -> Ladder:
    """Return the case's letter set with a verdict on each letter, and what a referral lacks."""
    pack = case_pack(case)
    letter_set = case_letter_set(case, pack)
    if letter_set is None:
        return Ladder(pack, None, [], [])
    history = letter_history(case, pack, today)
    return Ladder(
        pack,
        letter_set,
        ladder(letter_set, history),
        referral_gaps(
            letter_set,
            sent=history.sent,
            recipients=history.recipients,
            today=today,
            recent_within_days=pack.letters.recent_within_days,
        ),
    )


def case_numbers(case: Case, today: date) -> Numbers:
    """Return the child's days missed and possible this term at the case's school, if known."""
    school = next((s.school for s in case.schools.all() if s.school is not None), None)
    if school is None or case.student_id is None:
        return Numbers(None, None, "")
    term = current_term(school, today)
    if term is None:
        return Numbers(None, None, "")
    for group in evaluate_terms([term], as_of=today, student_pks=[case.student_id]):
        for i, pk in enumerate(group.student_pk.tolist()):
            if pk == case.student_id:
                row = group.standings.row(i)
                return Numbers(
                    Decimal(str(row["days_absent"])),
                    Decimal(int(row["possible"])) / 2,
                    term.name,
                )
    return Numbers(None, None, term.name)


def not_enrolled_since(case: Case) -> date:
    """Return the day the child left the roll: the case's, once its first letter fixed it;
    before, the day after their last enrolment ended, or the day the case opened."""
    if case.not_enrolled_since is not None:
        return case.not_enrolled_since
    if case.student_id is not None:
        last = (
            case.student.enrolments.exclude(enrolled_to__isnull=True)  # type: ignore[union-attr]
            .order_by("-enrolled_to")
            .values_list("enrolled_to", flat=True)
            .first()
        )
        if last is not None:
            return last + timedelta(days=1)
    return case.opened_on
