"""Say, item by item, whether a case is ready to be referred for prosecution.

Pure: the pack's `[readiness]` section is the checklist (New Zealand's escalating-letters
guidance, Kent's statutory intervention checklist); `Facts` is what the record says about
one case. `evaluate` returns every item's state with the reason and where to put it right:

- met: the record (or a person's attestation) shows it;
- missing: not there yet; the referral cannot be made;
- warning: worth a look, but does not block (a social worker is involved);
- stop: the referral must not be made (an attested part-time timetable).

A referral can be made when no item is missing or a stop.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .ladder import Recipient, Sent
from .pack import Pack, PackError

MET, MISSING, WARNING, STOP = "met", "missing", "warning", "stop"
STATES = (MET, MISSING, WARNING, STOP)
CHECKS = (
    "letter_to_every_parent",
    "contact_attempts",
    "log_kind",
    "support_recorded",
    "support_reasons",
    "case_up_to_date",
    "threshold_reached",
    "certificate",
    "people_details",
    "no_agency",
    "attested",
)
PERIODS = ("this_year", "last_year")

# Where each kind of gap is put right; the web layer turns these into links.
FIX_LETTERS, FIX_LOG, FIX_PEOPLE, FIX_TASKS = "letters", "log", "people", "tasks"
FIX_ATTEST, FIX_CERTIFICATES, FIX_REGISTER = "attest", "certificates", "register"


@dataclass(frozen=True)
class Answer:
    key: str
    text: str
    state: str


@dataclass(frozen=True)
class Item:
    key: str
    group: str
    text: str
    check: str
    case_reasons: tuple[str, ...] = ()  # empty: every case
    step: int = 0  # letter_to_every_parent
    times: int = 1  # letter_to_every_parent: 2 asks for a follow-up of the same letter
    minimum: int = 1  # contact_attempts
    kinds: tuple[str, ...] = ()  # log_kind
    outcomes: tuple[str, ...] = ()  # log_kind: only entries with one of these outcomes count
    threshold: str = ""  # threshold_reached
    period: str = ""  # certificate
    recent_days: int = 0  # certificate: may end this many days before the period does
    agency_kinds: tuple[str, ...] = ()  # no_agency
    prompt: str = ""  # what a person is asked when they record it
    # attested: the answers and what each means. On another check: answers a person may
    # record instead when the record cannot show it (a letter that is not relevant).
    answers: tuple[Answer, ...] = ()

    @property
    def may_attest(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class Checklist:
    key: str
    label: str
    team: str  # who receives the referral
    notification_only: bool  # NZ: the team gets the case reference and contact only
    source: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Attested:
    answer: str
    by: str
    on: date
    note: str


@dataclass(frozen=True)
class Contact:
    """One effective log entry: corrected entries are left out by the caller."""

    on: date
    kind: str
    outcome: str  # "" when it was not an attempt to engage
    support: str  # "" when no support was discussed
    noted: bool = False  # the entry says something in its notes (why support was declined)


@dataclass(frozen=True)
class Certificate:
    first: date
    last: date
    issued_on: date
    unresolved: int  # N or unexplained codes printed on it
    changed_since_issue: bool


@dataclass(frozen=True)
class Threshold:
    reached_on: date | None
    ongoing: bool


@dataclass(frozen=True)
class Facts:
    """What the record says about one case, in plain values."""

    case_reason: str
    today: date
    recipients: tuple[Recipient, ...] = ()
    sent: tuple[Sent, ...] = ()
    recent_within_days: int = 0  # letters older than this do not count (0: any age)
    cannot_contact: dict[str, str] = field(default_factory=dict)  # recipient key → why
    contacts: tuple[Contact, ...] = ()
    overdue_tasks: int = 0
    no_contact_days: int = 14
    agencies: tuple[str, ...] = ()  # kinds of the agencies working with the family now
    missing_details: tuple[str, ...] = ()  # names of caregivers with no address or phone
    attested: dict[str, Attested] = field(default_factory=dict)
    has_register: bool = True  # the child is on a Stepwise school's roll
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    certificates: tuple[Certificate, ...] = ()
    this_year: tuple[date, date] | None = None  # first day of this school year, today
    last_year: tuple[date, date] | None = None  # the whole previous school year


@dataclass(frozen=True)
class Result:
    item: Item
    state: str
    reason: str
    fix: str  # one of the FIX_ constants, or "" when nothing needs doing
    fix_key: str = ""  # which person or item the fix is for

    @property
    def blocks(self) -> bool:
        return self.state in (MISSING, STOP)


def checklist(pack: Pack) -> Checklist | None:
    """Return the pack's referral checklist, or None when it has none."""
    return pack.checklist


def parse_checklist(data: dict[str, Any] | None) -> Checklist | None:
    """Return a pack's `[readiness]` table as a checklist (None for none); pack.py calls it."""
    if not data:
        return None
    items = tuple(_item(row) for row in data.get("items", []))
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise PackError("readiness: an item key appears twice")
    return Checklist(
        key=data["key"],
        label=data["label"],
        team=data["team"],
        notification_only=bool(data.get("notification_only", False)),
        source=data.get("source", ""),
        items=items,
    )


def _item(row: dict[str, Any]) -> Item:
    where = f"readiness item {row.get('key')}"
    for name in ("key", "group", "text", "check"):
        if name not in row:
            raise PackError(f"{where}: missing {name!r}")
    if row["check"] not in CHECKS:
        raise PackError(f"{where}: unknown check {row['check']!r}")
    answers = tuple(Answer(a["key"], a["text"], a["state"]) for a in row.get("answers", []))
    if any(a.state not in STATES for a in answers):
        raise PackError(f"{where}: an answer's state must be one of {', '.join(STATES)}")
    if row["check"] == "attested" and not answers:
        raise PackError(f"{where}: an attested item needs its answers")
    if row.get("period", "") not in ("", *PERIODS):
        raise PackError(f"{where}: period must be one of {', '.join(PERIODS)}")
    return Item(
        key=row["key"],
        group=row["group"],
        text=row["text"],
        check=row["check"],
        case_reasons=tuple(row.get("case_reasons", ())),
        step=int(row.get("step", 0)),
        times=int(row.get("times", 1)),
        minimum=int(row.get("minimum", 1)),
        kinds=tuple(row.get("kinds", ())),
        outcomes=tuple(row.get("outcomes", ())),
        threshold=row.get("threshold", ""),
        period=row.get("period", ""),
        recent_days=int(row.get("recent_days", 0)),
        agency_kinds=tuple(row.get("agency_kinds", ())),
        prompt=row.get("prompt", ""),
        answers=answers,
    )


def evaluate(items: Sequence[Item], facts: Facts) -> list[Result]:
    """Return the state of every item that applies to the case, in the checklist's order."""
    results = []
    for item in items:
        if item.case_reasons and facts.case_reason not in item.case_reasons:
            continue
        found = CHECKERS[item.check](item, facts)
        if found.state != MET and item.check != "attested" and item.key in facts.attested:
            # A person recorded why the record cannot show it: their answer decides.
            said = _attested(item, facts)
            found = Result(item, said.state, said.reason, said.fix, said.fix_key)
        results.append(found)
    return results


def ready(results: Sequence[Result]) -> bool:
    return not any(r.blocks for r in results)


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("ry") else f"{n} {word}s"


def _letter_gaps(step: int, facts: Facts, times: int = 1) -> list[tuple[str, str]]:
    """Return (recipient key, why) for everyone still lacking letter `step` (`times` over)."""
    gaps = []
    for person in facts.recipients:
        days = sorted(s.on for s in facts.sent if s.to == person.key and s.step == step)
        if person.key in facts.cannot_contact:
            continue
        if not days:
            gaps.append((person.key, f"Letter {step} has not been sent to {person.name}."))
        elif len(days) < times:
            gaps.append(
                (
                    person.key,
                    f"Letter {step} went to {person.name} once, on {_day(days[0])}: "
                    "no follow-up has been sent.",
                )
            )
        elif facts.recent_within_days and (facts.today - days[-1]).days > facts.recent_within_days:
            gaps.append(
                (
                    person.key,
                    f"Letter {step} went to {person.name} on {_day(days[-1])}, more than "
                    f"{_plural(facts.recent_within_days, 'day')} ago: it must be recent.",
                )
            )
    return gaps


def _letter_to_every_parent(item: Item, facts: Facts) -> Result:
    if not facts.recipients:
        return Result(
            item, MISSING, "No caregiver with parental responsibility is recorded.", FIX_PEOPLE
        )
    gaps = _letter_gaps(item.step, facts, item.times)
    if gaps:
        why = " ".join(g[1] for g in gaps)
        instead = " say why it is not needed," if item.may_attest else ""
        return Result(
            item,
            MISSING,
            f"{why} Send it,{instead} or record why a parent cannot be contacted.",
            FIX_LETTERS,
        )
    excused = [p.name for p in facts.recipients if p.key in facts.cannot_contact]
    names = ", ".join(p.name for p in facts.recipients if p.key not in facts.cannot_contact)
    reason = f"Sent to {names}." if names else ""
    if excused:
        reason += f" Recorded why {', '.join(excused)} cannot be contacted."
    return Result(item, MET, reason.strip(), "")


def _contact_attempts(item: Item, facts: Facts) -> Result:
    attempts = [c for c in facts.contacts if c.outcome and c.kind != "letter"]
    if len(attempts) < item.minimum:
        return Result(
            item,
            MISSING,
            f"{_plural(len(attempts), 'attempt')} to engage recorded; at least "
            f"{item.minimum} are needed, each with its outcome.",
            FIX_LOG,
        )
    return Result(item, MET, f"{_plural(len(attempts), 'attempt')} to engage recorded.", "")


def _log_kind(item: Item, facts: Facts) -> Result:
    of_kind = [c for c in facts.contacts if c.kind in item.kinds]
    if not of_kind:
        return Result(
            item, MISSING, "Nothing of this kind is in the log yet.", FIX_LOG, item.kinds[0]
        )
    found = [c for c in of_kind if not item.outcomes or c.outcome in item.outcomes]
    if not found:
        # A meeting nobody came to was offered, but did not take place.
        return Result(
            item,
            MISSING,
            f"{_plural(len(of_kind), 'entry')} in the log, but none took place "
            "(recorded with the outcome “engaged”).",
            FIX_LOG,
            item.kinds[0],
        )
    last = max(c.on for c in found)
    return Result(
        item, MET, f"{_plural(len(found), 'entry')} in the log, the last on {_day(last)}.", ""
    )


def _support_recorded(item: Item, facts: Facts) -> Result:
    found = [c for c in facts.contacts if c.support]
    if not found:
        return Result(
            item, MISSING, "No support offered, accepted or declined is in the log.", FIX_LOG
        )
    turned_down = sum(c.support in ("declined", "withdrawn") for c in found)
    return Result(
        item,
        MET,
        f"Support recorded {_plural(len(found), 'time')}; declined or withdrawn {turned_down}.",
        "",
    )


def _support_reasons(item: Item, facts: Facts) -> Result:
    turned_down = [c for c in facts.contacts if c.support in ("declined", "withdrawn")]
    if not turned_down:
        return Result(item, MET, "No support was declined or withdrawn.", "")
    unexplained = [c for c in turned_down if not c.noted]
    if unexplained:
        days = ", ".join(f"{c.support} on {_day(c.on)}" for c in unexplained)
        return Result(
            item,
            MISSING,
            f"No reason is recorded for the support {days}: record a correction of the "
            "entry saying why.",
            FIX_LOG,
        )
    return Result(
        item, MET, f"The reasons are recorded for all {_plural(len(turned_down), 'time')}.", ""
    )


def _case_up_to_date(item: Item, facts: Facts) -> Result:
    reasons = []
    if facts.overdue_tasks:
        reasons.append(f"{_plural(facts.overdue_tasks, 'task')} overdue.")
    last = max((c.on for c in facts.contacts if c.outcome), default=None)
    if last is None:
        reasons.append("No contact with the family is recorded.")
    elif (facts.today - last).days > facts.no_contact_days:
        reasons.append(
            f"The last contact was on {_day(last)}, more than "
            f"{_plural(facts.no_contact_days, 'day')} ago."
        )
    if reasons:
        return Result(
            item, MISSING, " ".join(reasons), FIX_TASKS if facts.overdue_tasks else FIX_LOG
        )
    return Result(item, MET, "No task overdue, and contact recorded recently.", "")


def _threshold_reached(item: Item, facts: Facts) -> Result:
    if not facts.has_register:
        return Result(item, MISSING, "The child's register is not on Stepwise.", FIX_REGISTER)
    found = facts.thresholds.get(item.threshold)
    if found is None or found.reached_on is None:
        return Result(item, MISSING, "The register does not reach this yet.", FIX_REGISTER)
    if not found.ongoing:
        return Result(
            item,
            MISSING,
            f"Reached on {_day(found.reached_on)}, but the absence is not ongoing.",
            FIX_REGISTER,
        )
    return Result(item, MET, f"Reached on {_day(found.reached_on)}, and still ongoing.", "")


def _certificate(item: Item, facts: Facts) -> Result:
    period = facts.this_year if item.period == "this_year" else facts.last_year
    if not facts.has_register or period is None:
        return Result(item, MISSING, "The child's register is not on Stepwise.", FIX_CERTIFICATES)
    first, last = period
    # "From the start of the school year": one printed in the last few days still shows it.
    found = [
        c
        for c in facts.certificates
        if c.first <= first and (last - c.last).days <= item.recent_days
    ]
    if not found:
        return Result(
            item,
            MISSING,
            f"No certificate covers {_day(first)} to {_day(last)}.",
            FIX_CERTIFICATES,
            item.period,
        )
    newest = max(found, key=lambda c: c.issued_on)
    if newest.unresolved:
        return Result(
            item,
            STOP,
            f"The certificate issued on {_day(newest.issued_on)} shows "
            f"{_plural(newest.unresolved, 'N code')}: the school must resolve them and a new "
            "certificate be issued.",
            FIX_REGISTER,
        )
    if newest.changed_since_issue:
        return Result(
            item,
            MISSING,
            f"The register changed after the certificate of {_day(newest.issued_on)}: issue it "
            "again.",
            FIX_CERTIFICATES,
            item.period,
        )
    return Result(item, MET, f"Issued on {_day(newest.issued_on)}.", "")


def _people_details(item: Item, facts: Facts) -> Result:
    if not facts.recipients:
        return Result(item, MISSING, "No parent is recorded on the case.", FIX_PEOPLE)
    if facts.missing_details:
        names = ", ".join(facts.missing_details)
        return Result(
            item,
            MISSING,
            f"No address or phone for {names}: add them, or record why they cannot be contacted.",
            FIX_PEOPLE,
        )
    return Result(item, MET, f"{_plural(len(facts.recipients), 'parent')} recorded.", "")


def _no_agency(item: Item, facts: Facts) -> Result:
    found = [k for k in facts.agencies if k in item.agency_kinds]
    if found:
        return Result(
            item,
            WARNING,
            "A social worker or Early Help worker is working with the family: prosecution "
            "may not be appropriate. Seek your link officer's advice and record it.",
            FIX_LOG,
            "agency",
        )
    return Result(item, MET, "No family practitioner is recorded.", "")


def _attested(item: Item, facts: Facts) -> Result:
    found = facts.attested.get(item.key)
    if found is None:
        return Result(item, MISSING, "Nobody has recorded this yet.", FIX_ATTEST, item.key)
    answer = next((a for a in item.answers if a.key == found.answer), None)
    if answer is None:
        return Result(
            item, MISSING, "The answer recorded is no longer an option.", FIX_ATTEST, item.key
        )
    said = f"{found.by}, {_day(found.on)}: {answer.text}."
    if found.note:
        said += f" {found.note}"
    return Result(item, answer.state, said, FIX_ATTEST if answer.state != MET else "", item.key)


CHECKERS = {
    "letter_to_every_parent": _letter_to_every_parent,
    "contact_attempts": _contact_attempts,
    "log_kind": _log_kind,
    "support_recorded": _support_recorded,
    "support_reasons": _support_reasons,
    "case_up_to_date": _case_up_to_date,
    "threshold_reached": _threshold_reached,
    "certificate": _certificate,
    "people_details": _people_details,
    "no_agency": _no_agency,
    "attested": _attested,
}
