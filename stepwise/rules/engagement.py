"""Read a case's engagement log for the signals a caseworker acts on.

Pure: takes plain (day, outcome) pairs and the pack's EngagementRule, returns a
Signal. The case page shows it with the next step, which follows the letters
already sent (next_step_on_ladder).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .pack import EngagementRule, LetterSet

# Outcomes that count as an unsuccessful attempt to engage the family.
UNSUCCESSFUL = frozenset({"no_answer", "message_left", "not_found", "unsafe"})
REFUSED = frozenset({"refused", "declined_support"})


@dataclass(frozen=True)
class Signal:
    refusing: bool  # the recent log shows the family is not engaging
    unsuccessful: int  # unsuccessful attempts inside the window
    refused: int  # refusals inside the window
    since: date  # first day of the window
    reason: str  # why, in a sentence a caseworker reads on the case page
    next_step: str  # the pack's suggested next step, or ""


def engagement_signal(
    rule: EngagementRule, attempts: Iterable[tuple[date, str]], today: date
) -> Signal:
    """Return whether recent contact attempts show a refusal to engage, and why.

    Only attempts since the last successful engagement count: once a family has
    engaged, earlier failures no longer describe the case.
    """
    since = today - timedelta(days=rule.within_days - 1)
    recent = sorted((day, outcome) for day, outcome in attempts if since <= day <= today)
    engaged_days = [day for day, outcome in recent if outcome == "engaged"]
    if engaged_days:
        recent = [(d, o) for d, o in recent if d > engaged_days[-1]]
    unsuccessful = sum(1 for _, o in recent if o in UNSUCCESSFUL)
    refused = sum(1 for _, o in recent if o in REFUSED)
    refusing = unsuccessful + refused >= rule.attempts or refused >= rule.refusals
    if refusing:
        reason = (
            f"{unsuccessful + refused} unsuccessful or refused contacts in the last "
            f"{rule.within_days} days ({refused} refused), with no engagement since"
        )
    else:
        reason = (
            f"{unsuccessful + refused} of {rule.attempts} unsuccessful or refused contacts "
            f"(or {refused} of {rule.refusals} refusals) in the last {rule.within_days} days"
        )
    return Signal(
        refusing=refusing,
        unsuccessful=unsuccessful,
        refused=refused,
        since=since,
        reason=reason,
        next_step=rule.next_step if refusing else "",
    )


def _steps(steps: list[int]) -> str:
    if len(steps) == 1:
        return f"Letter {steps[0]} has"
    return f"Letters {', '.join(map(str, steps[:-1]))} and {steps[-1]} have"


def next_step_on_ladder(
    before_letters: str, letter_set: LetterSet | None, sent: Iterable[int], *, referred: bool
) -> str:
    """Return the next step for a family not engaging, from where the case is on the ladder.

    Before any letter it is `before_letters`, the pack's advice (try other ways in, then
    letter 1); once letters have gone it names the next letter, or the referral the
    ladder leads to.
    """
    steps = sorted(set(sent))
    if letter_set is None or not steps:
        return before_letters
    gone = _steps(steps)
    if referred:
        return (
            f"{gone} gone, and {letter_set.referral_label} has been made. Keep trying to "
            "engage the family and record every attempt while it is considered."
        )
    following = next(
        (
            letter
            for letter in letter_set.letters
            if letter.step > steps[-1] and not letter.optional and not letter.on_referral
        ),
        None,
    )
    if following is None:
        return f"{gone} gone: the ladder's next step is {letter_set.referral_label}."
    return (
        f"{gone} gone. Keep trying to engage the family, and record each attempt before the "
        f"next letter: {following.title}."
    )
