"""A case's chronology: everything that happened, in date order, from every record.

Built from the engagement log (letters are logged there too), the school's referral,
the child's threshold events and a register summary per term at each school on the
case. A referral panel reads it to see that the service kept trying.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from stepwise.rules.labels import figure_label
from stepwise.schools.models import Term
from stepwise.standings.models import ThresholdEvent
from stepwise.standings.selectors import evaluate_terms

from .choices import log_kind_label, reason_label
from .models import Case, LogEntry
from .selectors import case_pack, effective_log, previous_author

# How many earlier terms of register summary the chronology carries.
TERMS_SUMMARISED = 6


@dataclass(frozen=True)
class Item:
    at: datetime
    source: str  # "log", "letter", "referral", "threshold", "register", "case"
    title: str
    detail: str = ""
    superseded: bool = False  # a log entry a later correction replaced


def _midday(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _log_items(case: Case) -> list[Item]:
    items = []
    pack = case_pack(case)
    for entry in reversed(effective_log(case)):  # oldest first: an original before its fix
        title = log_kind_label(pack, entry.kind)
        if entry.outcome:
            title += f": {entry.get_outcome_display().lower()}"
        if entry.corrects_id:
            title += " (correction)"
        people = ", ".join(p.full_name for p in entry.people.all())
        detail = " · ".join(
            part
            for part in (
                f"with {people}" if people else "",
                entry.get_support_display() if entry.support else "",
                entry.notes,
                f"Recorded by {previous_author(entry, case)}" if entry.transferred else "",
            )
            if part
        )
        source = "letter" if entry.kind == LogEntry.Kind.LETTER else "log"
        superseded = getattr(entry, "superseded", False)
        items.append(Item(entry.happened_at, source, title, detail, superseded))
    return items


def _school_items(case: Case, today: date) -> list[Item]:
    if case.student_id is None:
        return []
    schools = [s.school for s in case.schools.all() if s.school is not None]
    items = []
    events = ThresholdEvent.objects.filter(
        student_id=case.student_id, term__school__in=schools
    ).select_related("term__school")
    for event in events:
        pack = event.term.school.rules
        label = (
            pack.threshold(event.threshold).label
            if event.threshold in {t.key for t in pack.thresholds}
            else event.threshold
        )
        withdrawn = " (withdrawn after a register amendment)" if event.withdrawn_at else ""
        items.append(
            Item(
                _midday(event.reached_on),
                "threshold",
                f"Reached: {label}{withdrawn}",
                f"{event.term.school.name}, {event.term.name}",
            )
        )
    terms = list(
        Term.objects.filter(school__in=schools, start__lte=today)
        .select_related("school")
        .order_by("-start")[:TERMS_SUMMARISED]
    )
    for group in evaluate_terms(terms, as_of=today, student_pks=[case.student_id]):
        for i, _pk in enumerate(group.student_pk.tolist()):
            row = group.standings.row(i)
            term = group.terms[int(group.term_of_row[i])]
            if not row["possible"]:
                continue
            end = min(term.end, today)
            pack = term.school.rules
            sessions = pack.word("sessions")
            items.append(
                Item(
                    _midday(end),
                    "register",
                    f"Register, {term.name}: {row['days_absent']:g} days absent, "
                    f"{row['attendance_percent']:.1f}% attendance",
                    f"{term.school.name}; {figure_label(pack, 'unjustified')}: "
                    f"{row['unjustified']} {sessions}; {figure_label(pack, 'justified')}: "
                    f"{row['justified']} {sessions}" + (" (so far)" if term.end > today else ""),
                )
            )
    return items


def chronology(case: Case, today: date | None = None) -> list[Item]:
    """Return the case's chronology, oldest first."""
    today = today or timezone.localdate()
    items = [Item(_midday(case.opened_on), "case", f"Case opened: {case.get_origin_display()}")]
    if case.referral_id is not None:
        referral = case.referral
        assert referral is not None
        items.append(
            Item(
                referral.referred_at,
                "referral",
                f"Referred by {referral.school.name}: "
                f"{reason_label(referral.school.rules, referral.reason).lower()}",
                referral.summary,
            )
        )
    if case.closed_on:
        items.append(
            Item(
                _midday(case.closed_on), "case", f"Case closed: {case.get_closed_reason_display()}"
            )
        )
    items += _log_items(case) + _school_items(case, today)
    return sorted(items, key=lambda item: item.at)
