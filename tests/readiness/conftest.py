"""Aroha Ngata's case at the Kōwhai Attendance Service, built up to a prosecution referral.

Who may see what:
- `caseworker` and `manager` (Kōwhai Attendance Service) work the case and refer it.
- `prosecutor` (Ministry Prosecutions team) sees the cases referred to the team, no other.
- `other_prosecutor` (another team) sees none of them: 404.
- `other_caseworker` (Harbour Attendance Service) sees none of them: 404.

`ready_case` meets every item of New Zealand's checklist: three attempts to engage,
letters 1 and 3 to both caregivers with an attempt between them, no task overdue, the
Contract and Relationship Manager spoken to, the school told.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from stepwise.accounts.models import Membership, Organisation
from stepwise.cases.models import Case, Person
from stepwise.cases.services import log_entry_record, referral_accept, task_done
from stepwise.letters.cases.services import Figures, letter_issue
from stepwise.readiness.models import ReferralRoute
from stepwise.readiness.services import attestation_record
from tests.cases.conftest import at
from tests.front.conftest import TODAY
from tests.letters.conftest import *  # noqa: F403
from tests.letters.conftest import RAWIRI_ADDRESS
from tests.referrals.conftest import add_member

FIGURES = Figures(days_missed=Decimal(29), days_possible=Decimal(29))


def ago(days: int):
    return TODAY - timedelta(days=days)


@pytest.fixture
def team(db) -> Organisation:
    return Organisation.objects.create(
        name="Ministry Prosecutions team", kind=Organisation.Kind.PROSECUTIONS
    )


@pytest.fixture
def route(service, team) -> ReferralRoute:
    return ReferralRoute.objects.create(
        service=service, team=team, email="prosecutions@example.govt.nz"
    )


@pytest.fixture
def prosecutor(team):
    return add_member("prosecutor", team, Membership.Role.PROSECUTIONS_OFFICER)


@pytest.fixture
def other_prosecutor(db):
    other = Organisation.objects.create(
        name="Another prosecutions team", kind=Organisation.Kind.PROSECUTIONS
    )
    return add_member("otherprosecutor", other, Membership.Role.PROSECUTIONS_OFFICER)


@pytest.fixture
def case(referral, manager, caseworker) -> Case:
    """Aroha's case, opened two months ago; the service found Rawiri's address."""
    found = referral_accept(referral=referral, by=manager, assign_to=caseworker, now=at(ago(60)))
    Person.objects.filter(case=found, given_name="Rawiri").update(address=RAWIRI_ADDRESS)
    return found


def attempt(case, by, days_ago: int, kind: str = "phone", outcome: str = "no_answer"):
    return log_entry_record(
        case=case, by=by, kind=kind, outcome=outcome, happened_at=at(ago(days_ago)),
        notes=f"{kind} {outcome}", now=at(ago(days_ago), 16),
    )  # fmt: skip


def send(case, by, step: int, days_ago: int):
    return letter_issue(
        case=case, letter_key=f"chronic_absence_{step}", by=by, sent_on=ago(days_ago),
        method="post", reason="the whānau have not engaged", figures=FIGURES,
        now=at(ago(days_ago), 14),
    )  # fmt: skip


def say(case, by, item: str, answer: str, days_ago: int = 2):
    return attestation_record(
        case=case, by=by, item_key=item, answer=answer, happened_on=ago(days_ago),
        note=f"{item}: spoke with them by phone", now=at(ago(days_ago), 15),
    )  # fmt: skip


def close_tasks(case, by):
    for task in case.tasks.filter(done_at__isnull=True, due_on__lt=TODAY):
        task_done(task=task, by=by, now=at(TODAY, 8))


@pytest.fixture
def ready_case(case, caseworker, sender, route) -> Case:
    attempt(case, caseworker, 50)
    send(case, caseworker, 1, 45)
    attempt(case, caseworker, 30, "home_visit", "refused")
    send(case, caseworker, 3, 20)
    attempt(case, caseworker, 5, "phone", "refused")
    close_tasks(case, caseworker)
    say(case, caseworker, "crm_spoken", "spoken")
    say(case, caseworker, "school_told", "told")
    return case


# --- The referral bundle (tests/readiness/test_bundle.py, test_chronology_pdf.py) ----------

# A name and a note full of Typst's markup characters: the PDFs must print them as written.
MARKUP_GIVEN, MARKUP_FAMILY = "Tama#*[", "$<Rewi>"
MARKUP_NOTE = "#set page(width: 1cm) *not bold* [not a link] $x^2$ <not-a-label>"


def blank_pdf(pages: int) -> bytes:
    """Return a PDF of `pages` empty A4 pages: a meeting's minutes, as scanned."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def bundle_case(ready_case, caseworker, service) -> Case:
    """`ready_case` with what a bundle gathers: a certificate, minutes, a corrected entry,
    a Word letter, and an uncle whose name and note are full of markup characters."""
    from stepwise.cases.services import Upload, person_add
    from stepwise.certificates.services import certificate_issue
    from tests.letters.test_word import OURS, upload

    uncle = person_add(case=ready_case, role="other_carer", given_name=MARKUP_GIVEN,
                       family_name=MARKUP_FAMILY, relationship="uncle")  # fmt: skip
    wrong = log_entry_record(
        case=ready_case, by=caseworker, kind="home_visit", outcome="engaged", people=[uncle],
        notes=MARKUP_NOTE, happened_at=at(ago(12)), now=at(ago(12), 16),
    )  # fmt: skip
    log_entry_record(
        case=ready_case, by=caseworker, kind="home_visit", outcome="not_found", corrects=wrong,
        notes="Nobody was home: the earlier entry was the wrong house.",
        happened_at=at(ago(12)), now=at(ago(11), 9),
    )  # fmt: skip
    log_entry_record(
        case=ready_case, by=caseworker, kind="meeting", happened_at=at(ago(8)),
        notes="Attendance meeting at school.", now=at(ago(8), 16),
        uploads=[Upload("minutes.pdf", "application/pdf", blank_pdf(2)),
                 Upload("notes from the hui.txt", "text/plain", b"Kai and korero.\n")],
    )  # fmt: skip
    # The service's own Word template for letter 2: it goes out as DOCX.
    upload(service, caseworker, OURS, key="chronic_absence_2")
    send(ready_case, caseworker, 2, 1)
    certificate_issue(school=ready_case.student.enrolments.first().school,
                      student=ready_case.student, period="this_year", by=caseworker,
                      issued_for=service, confirmed_unresolved=True, now=at(ago(1)))  # fmt: skip
    return ready_case
