"""Read a case's engagement log for the signals a caseworker acts on.

Pure: takes plain (day, outcome) pairs and the pack's EngagementRule, returns a
Signal. The case page shows it; letters refuse to start without it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .pack import EngagementRule

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
