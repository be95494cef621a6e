"""Reads for a school's letters: its ladder for a student, who gets a letter, what was sent.

A school writes to the caregivers it records for the student (stepwise.schools
Caregiver) who have parental responsibility, resident or not. Its attempts to
engage are the responses it recorded other than letters (a conversation, an
unsuccessful contact attempt, a meeting).
"""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from stepwise.responses.models import ResponseActivity
from stepwise.rules.ladder import History, Recipient, Sent, ladder, referral_gaps
from stepwise.rules.pack import LetterSet
from stepwise.schools.models import School, Student, StudentCaregiver
from stepwise.standings.selectors import current_term, evaluate_terms

from .. import sending
from ..models import Letter, LetterNotice
from ..selectors import SCHOOL_LETTER_TYPE, Ladder, Numbers


def school_letter_set(school: School) -> LetterSet | None:
    return school.rules.letters.school_set


def caregiver_links(school: School, student: Student) -> list[StudentCaregiver]:
    """Return the student's caregivers with parental responsibility, as the school records them."""
    return caregiver_links_of(school, [student.pk]).get(student.pk, [])


def caregiver_links_of(school: School, student_pks: list[int]) -> dict[int, list[StudentCaregiver]]:
    """Return caregiver_links for each of the students, in one query (a batch's)."""
    found: dict[int, list[StudentCaregiver]] = {}
    for link in (
        StudentCaregiver.objects.filter(
            student__in=student_pks, caregiver__school=school, parental_responsibility=True
        )
        .select_related("caregiver")
        .order_by("student_id", "caregiver_id")
    ):
        found.setdefault(link.student_id, []).append(link)
    return found


def caregivers_left_out(school: School, student: Student) -> list[StudentCaregiver]:
    """Return the student's other caregivers, who get no letter, to show why not."""
    return list(
        StudentCaregiver.objects.filter(
            student=student, caregiver__school=school, parental_responsibility=False
        )
        .select_related("caregiver")
        .order_by("caregiver_id")
    )


def caregiver_recipient(link: StudentCaregiver) -> sending.Recipient:
    person = link.caregiver
    return sending.Recipient(
        key=str(person.pk),
        name=f"{person.given_name} {person.family_name}",
        address=person.address,
        email=person.email,
        preferred_language=person.preferred_language,
        lives_with_child=link.lives_with_student,
        record=person,
    )


def school_letter_history(
    school: School,
    student: Student,
    today: date,
    confirmed: frozenset[str] = frozenset(),
    links: list[StudentCaregiver] | None = None,
) -> History:
    """Return what the ladder needs to know of the school's letters about the student."""
    links = caregiver_links(school, student) if links is None else links
    sent = tuple(
        Sent(step, day, str(caregiver))
        for step, day, caregiver in Letter.objects.filter(
            school=school, student=student, sent_on__lte=today
        ).values_list("step", "sent_on", "caregiver_id")
    )
    attempt_days: set[date] = set()
    by_hand = 0  # letters the school recorded by hand, outside Stepwise: the ladder can't see
    for response_type, day, letter in (
        ResponseActivity.objects.effective()
        .filter(school=school, student=student, happened_on__lte=today)
        .values_list("response_type", "happened_on", "letter")
    ):
        if response_type != SCHOOL_LETTER_TYPE:
            attempt_days.add(day)
        elif letter is None:
            by_hand += 1
    attempts = tuple(sorted(attempt_days))
    return History(
        sent=sent,
        attempts=attempts,
        recipients=tuple(
            Recipient(str(link.caregiver_id), caregiver_recipient(link).name) for link in links
        ),
        today=today,
        confirmed=confirmed,
        earlier_elsewhere=by_hand,
        earlier_warning=school.rules.letters.earlier_letters_warning,
    )


def school_ladder(school: School, student: Student, today: date) -> Ladder:
    """Return the school's letter set with a verdict on each letter for the student."""
    pack = school.rules
    letter_set = school_letter_set(school)
    if letter_set is None:
        return Ladder(pack, None, [], [])
    history = school_letter_history(school, student, today)
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


def school_letters(school: School, student: Student) -> QuerySet[Letter]:
    """Return the school's letters about the student, newest first, without their files."""
    return (
        Letter.objects.filter(school=school, student=student)
        .defer("pdf")
        .select_related("caregiver", "issued_by", "school", "student")
    )


def letter_notices(school: School, student: Student) -> QuerySet[LetterNotice]:
    """Return what attendance services told the school about letters to the student's family."""
    return LetterNotice.objects.filter(school=school, student=student).select_related("service")


def term_numbers(
    school: School, today: date, student_pks: list[int]
) -> tuple[str, dict[int, Numbers]]:
    """Return the current term's name and each student's days missed and possible in it."""
    term = current_term(school, today)
    if term is None:
        return "", {}
    found: dict[int, Numbers] = {}
    for group in evaluate_terms([term], as_of=today, student_pks=student_pks):
        for i, pk in enumerate(group.student_pk.tolist()):
            row = group.standings.row(i)
            found[pk] = Numbers(
                Decimal(str(row["days_absent"])), Decimal(int(row["possible"])) / 2, term.name
            )
    return term.name, found


def student_numbers(school: School, student: Student, today: date) -> Numbers:
    """Return the student's days missed and possible this term, if the register has them."""
    term_name, found = term_numbers(school, today, [student.pk])
    return found.get(student.pk, Numbers(None, None, term_name))


# The student's page shows the latest few; the letters page shows them all.
ON_STUDENT_PAGE = 5


def student_page_letters(school: School, student: Student) -> dict[str, object]:
    """Return what the student's page shows of letters: the school's and services' latest."""
    return {
        "school_letters": school_letters(school, student)[:ON_STUDENT_PAGE],
        "letter_notices": letter_notices(school, student)[:ON_STUDENT_PAGE],
    }
