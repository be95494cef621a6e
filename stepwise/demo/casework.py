"""Demo case work: referrals in the service's inbox, cases with a history, one transfer.

Everything goes through the real services, so the demo shows what a service sees
after a few weeks of work: a ranked inbox, caseloads, a family not engaging (the
refusal signal), a safety flag, an overdue task and a transferred case to review.
"""

import contextlib
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from stepwise.accounts.models import Organisation
from stepwise.cases.models import Agency, Case, SafetyFlag
from stepwise.cases.selectors import case_pack
from stepwise.cases.services import (
    agency_add,
    log_entry_record,
    referral_accept,
    referral_decline,
    safety_flag_raise,
    task_add,
)
from stepwise.cases.transfers import HEADER as TRANSFER_HEADER
from stepwise.cases.transfers import import_transfers
from stepwise.certificates.models import RegistrationCertificate
from stepwise.certificates.selectors import year_periods
from stepwise.certificates.services import certificate_issue
from stepwise.letters.cases.selectors import case_letter_set, case_numbers
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.letters.models import LetterSender
from stepwise.referrals.models import Referral
from stepwise.referrals.services import referral_create
from stepwise.schools.models import School
from stepwise.standings.models import ThresholdEvent

REFERRALS = 14  # the most-absent students are referred
ACCEPTED = 8  # of which the service has taken this many
DECLINED = 1
# A story per accepted case: (kind, outcome, days before as_of), oldest first.
STORIES = [
    [("phone", "no_answer", 20), ("text", "message_left", 18), ("home_visit", "refused", 12),
     ("phone", "refused", 5)],
    [("phone", "engaged", 15), ("meeting", "engaged", 9), ("via_school", "engaged", 2)],
    [("phone", "no_answer", 10), ("home_visit", "not_found", 6)],
    [("email", "", 21), ("whanau_hui", "engaged", 14)],
    [("phone", "message_left", 22)],
    [("home_visit", "engaged", 8), ("agency", "engaged", 3)],
    [],
    [("phone", "no_answer", 4)],
]  # fmt: skip


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def demo_casework(
    *, school: School, service: Organisation, officer: User, caseworker: User, manager: User,
    as_of: date, seed: int = 2026,
) -> None:  # fmt: skip
    """Refer the school's most-absent students and work some of their cases."""
    rng = random.Random(seed + school.pk)
    students = list(
        dict.fromkeys(
            ThresholdEvent.objects.filter(term__school=school, withdrawn_at__isnull=True)
            .order_by("-reached_on", "student_id")
            .values_list("student_id", flat=True)
        )
    )
    chosen = school.enrolments.filter(student_id__in=students[: REFERRALS * 3]).select_related(
        "student"
    )
    referrals = []
    # A child with two spells of enrolment is one child to refer.
    children = list(dict.fromkeys(e.student for e in chosen))
    for i, student in enumerate(children[:REFERRALS]):
        referrals.append(
            referral_create(
                school=school,
                student=student,
                service=service,
                reason=Referral.Reason.CHRONIC_ABSENCE,
                summary="Attendance has fallen all term despite calls, a letter and a meeting "
                "offer. Caregivers have not answered the school since the last threshold.",
                referred_by=officer,
                now=_at(as_of - timedelta(days=35 - i * 2), 9),
            )
        )
    for i, referral in enumerate(referrals[:ACCEPTED]):
        decided = referral.referred_at + timedelta(days=2)
        case = referral_accept(
            referral=referral,
            by=manager,
            assign_to=caseworker if i % 3 else manager,
            now=decided,
        )
        _work(case, STORIES[i], caseworker, as_of, rng)
        if i == 0:
            _letters(case, caseworker, as_of)
        if i == 0:
            _certificate(case, school, caseworker, as_of)
    for referral in referrals[ACCEPTED : ACCEPTED + DECLINED]:
        referral_decline(
            referral=referral,
            by=manager,
            note="Already supported by the school's own attendance plan; re-refer if it fails.",
            now=referral.referred_at + timedelta(days=3),
        )


def _work(case: Case, story: list, worker: User, as_of: date, rng: random.Random) -> None:
    caregiver = case.people.filter(role="caregiver").first()
    for kind, outcome, days_before in story:
        day = as_of - timedelta(days=days_before)
        log_entry_record(
            case=case,
            by=worker,
            kind=kind,
            outcome=outcome,
            happened_at=_at(day, rng.choice((9, 10, 13, 15))),
            people=[caregiver] if caregiver else [],
            notes=NOTES.get(outcome, "Case note."),
            now=_at(day, 17),
        )
    if story and story[-1][1] == "refused":
        safety_flag_raise(
            case=case,
            by=worker,
            kind=SafetyFlag.Kind.DOGS,
            note="Two large dogs loose at the property; call ahead and wait at the gate.",
            address=caregiver.address if caregiver and caregiver.address else "Family home",
            now=_at(as_of - timedelta(days=12), 17),
        )
        agency_add(case=case, kind=Agency.Kind.HEALTH, name="Public health nurse", leads=False)
    if story:
        task_add(
            case=case,
            title="Follow up with the school on this week's attendance",
            due_on=as_of + timedelta(days=rng.choice((-3, 2, 5))),
            by=worker,
            now=_at(as_of - timedelta(days=1), 16),
        )


def _certificate(case: Case, school: School, worker: User, as_of: date) -> None:
    """Issue this school year's registration certificate, and last year's if the child was on
    the school's roll then, as a referral's evidence asks (this year's still has codes to
    resolve, to show a flagged one)."""
    if case.student is None:
        return
    _, last_year = year_periods(school, as_of)
    periods = [RegistrationCertificate.Period.THIS_YEAR]
    if last_year and case.student.enrolments.filter(enrolled_from__lte=last_year[1]).exists():
        periods.insert(0, RegistrationCertificate.Period.LAST_YEAR)
    for period in periods:
        # Nothing to certify for a school year the demo's registers do not reach.
        with contextlib.suppress(ValidationError):
            certificate_issue(
                school=school,
                student=case.student,
                period=period,
                by=worker,
                issued_for=case.service,
                confirmed_unresolved=True,  # the demo shows how a flagged certificate looks
                now=_at(as_of, 16),
            )


# The family refusing to engage had letter 1, then letter 3 after more attempts: its
# referral checklist then lacks only what a person must record (and the overdue tasks).
DEMO_LETTERS = [(1, 16), (3, 2)]  # (step, days before as_of)


def _letters(case: Case, worker: User, as_of: date) -> None:
    pack = case_pack(case)
    letter_set = case_letter_set(case, pack)
    if letter_set is None:
        return
    LetterSender.objects.get_or_create(
        organisation=case.service,
        defaults={
            "address": "PO Box 100\nExample Town",
            "phone": "0800 555 0100",
            "email": "attendance@example.org",
            "signatory_title": "Attendance caseworker",
        },
    )
    for step, days_before in DEMO_LETTERS:
        day = as_of - timedelta(days=days_before)
        numbers = case_numbers(case, day)  # as at the letter's date
        letter_issue(
            case=case,
            letter_key=letter_set.letters[step - 1].key,
            by=worker,
            sent_on=day,
            method="post",
            reason="the family has refused every contact since the referral",
            figures=Figures(numbers.days_missed, numbers.days_possible),
            inputs={
                i.key: "Thursday at 3.30pm, in the school office"
                for i in letter_set.letters[step - 1].inputs
            },
            now=_at(day, 14),
        )


NOTES = {
    "no_answer": "Called the number on file; it rang out.",
    "message_left": "Left a voicemail asking the caregiver to call back.",
    "refused": "Caregiver said they will not talk to the service and asked us to leave.",
    "not_found": "Nobody at the address; neighbour thinks the family moved.",
    "engaged": "Talked through what gets in the way of school; agreed to try a later start.",
    "": "Emailed the caregiver the meeting details.",
}


def demo_transfer(*, service: Organisation, manager: User, as_of: date) -> None:
    """Import two cases transferred from a previous provider, one with letters sent."""
    rows = [
        ["case", "PP-1041", "not_enrolled", "active", (as_of - timedelta(days=120)).isoformat(),
         "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
         "Not enrolled since moving into the area.", ""],
        ["person", "PP-1041", "", "", "", "", "child", "Mere", "Tautahi", "2013-05-14", "",
         "", "", "", "", "", "", "", "", "", "", "", ""],
        ["person", "PP-1041", "", "", "", "", "caregiver", "Hine", "Tautahi", "", "", "Mother",
         "yes", "yes", "021 555 0199", "", "12 Rimu Street", "Māori", "", "", "", "", ""],
        ["note", "PP-1041", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
         (as_of - timedelta(days=90)).isoformat(), "home_visit", "refused",
         "Mother declined to discuss enrolment.", "Previous provider"],
        ["letter", "PP-1041", "", "", "", "", "", "Hine", "Tautahi", "", "", "", "", "", "", "",
         "", "", (as_of - timedelta(days=80)).isoformat(), "1", "",
         "Letter 1 (non-enrolment) to Hine Tautahi", "Previous provider"],
        ["case", "PP-1057", "chronic_absence", "on_hold",
         (as_of - timedelta(days=60)).isoformat(), "Kōwhai Bay College", "", "", "", "", "",
         "", "", "", "", "", "", "", "", "", "", "Paused while the family moved house.", ""],
        ["person", "PP-1057", "", "", "", "", "child", "Tom", "Walker", "2012-09-02", "", "",
         "", "", "", "", "", "", "", "", "", "", ""],
        ["note", "PP-1057", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
         (as_of - timedelta(days=50)).isoformat(), "phone", "engaged",
         "Father keen for support with transport.", "Previous provider"],
    ]  # fmt: skip
    lines = [",".join(TRANSFER_HEADER)]
    lines += [",".join(f'"{v}"' if "," in v else v for v in row) for row in rows]
    import_transfers(
        ("\n".join(lines) + "\n").encode(),
        file_name="previous-provider-transfer.csv",
        service=service,
        by=manager,
    )
