"""Reads for letter batches: who a batch would write to, which letters may go in one, its items."""

import io
from dataclasses import dataclass
from datetime import date

import pikepdf
from django.db.models import Prefetch, Q, QuerySet

from stepwise.accounts.models import Organisation
from stepwise.cases.models import Case, Person
from stepwise.rules.ladder import Verdict, verdict
from stepwise.rules.pack import CountThreshold, LetterSpec, Pack
from stepwise.schools.models import School
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import current_term

from ..models import Letter, LetterBatch, LetterBatchItem
from ..schools.selectors import caregiver_links_of, school_letter_history, school_letter_set
from ..sending import sha256

# A service's batch lists at most this many open cases to choose from, newest first.
CASES_SHOWN = 500


def batch_threshold(school: School) -> CountThreshold | None:
    """Return the threshold whose students a school's batch writes to, as the pack sets it."""
    key = school.rules.letters.batch_threshold
    return school.rules.threshold(key) if key else None


def batch_events(school: School, today: date) -> list[ThresholdEvent]:
    """Return this term's active events at the batch threshold of students enrolled today.

    Only thresholds reached by then: a batch dated last week writes to nobody for a
    threshold reached since. One per student (evaluation keeps at most one active event
    per threshold), by name.
    """
    threshold = batch_threshold(school)
    term = current_term(school, today)
    if threshold is None or term is None:
        return []
    # One spell at most covers today: spells never overlap, so no event comes twice.
    enrolled = Q(
        student__enrolments__school=school, student__enrolments__enrolled_from__lte=today
    ) & (
        Q(student__enrolments__enrolled_to__isnull=True)
        | Q(student__enrolments__enrolled_to__gte=today)
    )
    return list(
        ThresholdEvent.objects.filter(
            enrolled,
            term=term,
            threshold=threshold.key,
            status=ThresholdEvent.Status.ACTIVE,
            reached_on__lte=today,
        )
        .select_related("student")
        .order_by("student__family_name", "student__given_name", "student_id")
        .distinct()
    )


def batch_refusal(verdict: Verdict) -> str:
    """Return why a batch does not send a letter the ladder judged, or "" when it may."""
    if not verdict.allowed:
        return " ".join(verdict.reasons)  # a batch never overrides the ladder
    if verdict.again:
        # A batch writes to those who have not had the letter; send it again by hand.
        return f"Letter {verdict.letter.step} already went to every caregiver."
    return ""


@dataclass(frozen=True)
class BatchOffer:
    """Whom a school's batch would write to on a day, and whom the ladder leaves out, and why."""

    letter: LetterSpec
    events: list[ThresholdEvent]
    left_out: list[tuple[ThresholdEvent, str]]


def batch_offer(school: School, day: date) -> BatchOffer | None:
    """Return the students over the batch threshold whose first letter the ladder allows on `day`.

    None when the pack has no school batch. The batch checks each again when it runs.
    """
    letter_set = school_letter_set(school)
    if letter_set is None or batch_threshold(school) is None:
        return None
    letter = letter_set.letters[0]
    events = batch_events(school, day)
    links = caregiver_links_of(school, [e.student_id for e in events])
    allowed, left_out = [], []
    for event in events:
        found = links.get(event.student_id, [])
        history = school_letter_history(school, event.student, day, links=found)
        refused = batch_refusal(verdict(letter_set, letter, history))
        if refused:
            left_out.append((event, refused))
        else:
            allowed.append(event)
    return BatchOffer(letter, allowed, left_out)


def batch_letters(pack: Pack) -> list[LetterSpec]:
    """Return the service letters a batch may send: none that needs a confirmation or an input.

    A confirmed precondition ("the case has been referred") or a typed input (when the
    meeting is) is about one case: a batch cannot say it for all of them.
    """
    return [
        letter
        for letter_set in pack.letters.sets
        if letter_set.case_reasons
        for letter in letter_set.letters
        if not letter.preconditions and not letter.inputs
    ]


@dataclass(frozen=True)
class CaseChoice:
    case: Case
    child: str
    school: str


def open_cases(service: Organisation) -> list[CaseChoice]:
    """Return the service's open cases a batch may choose from, with the child and school."""
    cases = (
        Case.objects.filter(service=service)
        .exclude(status=Case.Status.CLOSED)
        .prefetch_related(
            Prefetch(
                "people", queryset=Person.objects.filter(role=Person.Role.CHILD), to_attr="child"
            ),
            "schools",
        )
        .order_by("-opened_on", "-pk")[:CASES_SHOWN]
    )
    return [
        CaseChoice(
            case,
            case.child[0].full_name if case.child else "",  # type: ignore[attr-defined]
            ", ".join(s.name for s in case.schools.all()),
        )
        for case in cases
    ]


def batch_items(batch: LetterBatch) -> QuerySet[LetterBatchItem]:
    """Return the batch's items in order, with the letters each sent (without their files)."""
    return batch.items.prefetch_related(
        Prefetch("letters", queryset=batch_item_letters(), to_attr="sent_letters")
    ).select_related("case", "student")


def batch_item_letters() -> QuerySet[Letter]:
    return Letter.objects.defer("pdf").select_related("caregiver", "person").order_by("pk")


def batches_of(organisation: Organisation) -> QuerySet[LetterBatch]:
    """Return the organisation's batches, newest first."""
    return LetterBatch.objects.filter(organisation=organisation)


def batch_pdf_letters(batch: LetterBatch) -> QuerySet[Letter]:
    """Return the batch's PDF letters in the order it sent them (Word letters print apart)."""
    return Letter.objects.filter(batch_items__batch=batch, file_format=Letter.Format.PDF).order_by(
        "batch_items__position", "pk"
    )  # a letter is in one item only


class ChangedLetter(Exception):
    """A letter of the batch no longer matches the hash recorded when it was sent."""

    def __init__(self, letter: Letter, found_sha: str) -> None:
        super().__init__(f"letter {letter.pk} does not match its SHA-256")
        self.letter, self.found_sha = letter, found_sha


@dataclass(frozen=True)
class PrintFile:
    content: bytes
    letters: int
    pages: int


def print_file(batch: LetterBatch) -> PrintFile:
    """Return every PDF letter the batch sent, joined into one file to print.

    It is joined on request from the letters as stored, each checked against its hash
    first (ChangedLetter names one that changed), so it always holds exactly the
    letters sent, a resumed batch's included. qpdf (pikepdf) joins a thousand in
    about a second.
    """
    joined = pikepdf.new()
    count = 0
    for letter in batch_pdf_letters(batch).select_related("caregiver", "person"):
        content = bytes(letter.pdf)
        found_sha = sha256(content)
        if found_sha != letter.sha256:
            raise ChangedLetter(letter, found_sha)
        joined.pages.extend(pikepdf.open(io.BytesIO(content)).pages)
        count += 1
    out = io.BytesIO()
    joined.save(out, deterministic_id=True)
    return PrintFile(out.getvalue(), count, len(joined.pages))
