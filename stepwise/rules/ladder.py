"""Say which letters of a ladder may be sent now, and why not.

Pure: takes the letters already sent (step, day, to whom), the days of recorded
attempts to engage, and today; returns one Verdict per letter of the set. The
rules come from the pack (New Zealand's escalating letters, Kent's checklist):

1. Letter 1 comes first: every earlier letter that is not optional must have gone
   to the same person (letter 2 of New Zealand's sets may be skipped).
2. Any letter may be sent again.
3. A minimum gap since the last letter to that person, and an attempt to engage
   recorded after it, where the pack (or the letter) asks for them: referral panels
   reject letters sent back to back.
4. The letter's preconditions (e.g. "the case has been referred") must be confirmed.

Warnings do not refuse a letter: another pathway or an exemption being explored,
letters already sent by the school or a previous provider, a letter sent again.
`referral_gaps` lists who still lacks a letter a referral needs (`before_referral`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .pack import LetterSet, LetterSpec


@dataclass(frozen=True)
class Sent:
    step: int
    on: date
    to: str  # the recipient's key (a person's id)


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str


@dataclass(frozen=True)
class History:
    """What the ladder reads of a case."""

    sent: tuple[Sent, ...]
    attempts: tuple[date, ...]  # days an attempt to engage was recorded
    recipients: tuple[Recipient, ...]
    today: date
    confirmed: frozenset[str] = frozenset()  # preconditions the sender confirmed
    exploring_pathway: str = ""  # the pack's warning, while another pathway is explored
    earlier_elsewhere: int = 0  # letters on record from the school or a previous provider
    earlier_warning: str = ""


@dataclass(frozen=True)
class Verdict:
    letter: LetterSpec
    allowed: bool
    reasons: tuple[str, ...]  # why it may not be sent now; empty when allowed
    warnings: tuple[str, ...]  # what the sender should know; never refuses
    again: bool  # every recipient has had this letter before


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def verdict(letter_set: LetterSet, letter: LetterSpec, history: History) -> Verdict:
    """Return whether `letter` may go to every recipient today, with the reasons."""
    sent, recipients, today = history.sent, history.recipients, history.today
    attempt_days = history.attempts
    confirmed = history.confirmed
    reasons: list[str] = []
    warnings: list[str] = []
    if not recipients:
        reasons.append("No caregiver with parental responsibility is recorded.")
    for p in letter.preconditions:
        if p.key not in confirmed:
            reasons.append(f"Not confirmed: {p.text}")
    earlier = [e for e in letter_set.letters if e.step < letter.step and not e.optional]
    had_before = 0
    for person in recipients:
        theirs = sorted((s for s in sent if s.to == person.key), key=lambda s: s.on)
        steps = {s.step for s in theirs}
        for e in earlier:
            if e.step not in steps:
                reasons.append(f"Letter {e.step} has not been sent to {person.name}.")
        if not theirs:
            continue
        last = theirs[-1]
        gap = (today - last.on).days
        if gap < letter.min_days_between:
            ago = "today" if gap == 0 else f"{_plural(gap, 'day')} ago"
            reasons.append(
                f"Letter {last.step} went to {person.name} on {_day(last.on)}, {ago}: "
                f"leave at least {_plural(letter.min_days_between, 'day')} between letters."
            )
        if letter.attempt_since_last and not any(d > last.on for d in attempt_days):
            reasons.append(
                f"No attempt to engage has been recorded since letter {last.step} went to "
                f"{person.name} on {_day(last.on)}."
            )
        before = [s for s in theirs if s.step == letter.step]
        if before:
            had_before += 1
            warnings.append(
                f"Letter {letter.step} already went to {person.name} on "
                f"{_day(before[-1].on)}: this sends it again."
            )
    if history.exploring_pathway:
        warnings.append(history.exploring_pathway)
    if history.earlier_elsewhere:
        count = _plural(history.earlier_elsewhere, "earlier letter")
        warnings.append(f"{count} on record. {history.earlier_warning}".strip())
    return Verdict(
        letter=letter,
        allowed=not reasons,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        again=bool(recipients) and had_before == len(recipients),
    )


def ladder(letter_set: LetterSet, history: History) -> list[Verdict]:
    """Return a verdict for every letter of the set, by step."""
    return [verdict(letter_set, letter, history) for letter in letter_set.letters]


def referral_gaps(
    letter_set: LetterSet,
    *,
    sent: Iterable[Sent],
    recipients: Sequence[Recipient],
    today: date | None = None,
    recent_within_days: int = 0,
) -> list[str]:
    """Return who still lacks a letter that must go to every caregiver before a referral.

    With `recent_within_days` (Kent: "the letters must be recent"), a letter sent
    longer ago than that no longer counts.
    """
    sent = list(sent)
    gaps = []
    for letter in letter_set.letters:
        if not letter.before_referral:
            continue
        for person in recipients:
            theirs = sorted(s.on for s in sent if s.to == person.key and s.step == letter.step)
            if not theirs:
                gaps.append(
                    f"Letter {letter.step} has not been sent to {person.name}: it must go to "
                    f"every caregiver before {letter_set.referral_label}."
                )
            elif today and recent_within_days and (today - theirs[-1]).days > recent_within_days:
                gaps.append(
                    f"Letter {letter.step} went to {person.name} on {_day(theirs[-1])}, more "
                    f"than {_plural(recent_within_days, 'day')} ago: send it again, as "
                    f"{letter_set.referral_label} needs recent letters."
                )
    if not recipients:
        gaps.append("No caregiver with parental responsibility is recorded.")
    return gaps
