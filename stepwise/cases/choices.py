"""A case's choices in the words of its jurisdiction's rule pack: what forms offer, what pages say.

The keys are the models' (records and imports refer to them); the pack says which are
offered and what they are called. A record made with a key the pack does not offer (a
transferred history) still reads, in the model's own words.
"""

from stepwise.referrals.choices import labelled, reason_choices, reason_label
from stepwise.rules.pack import Pack

from .models import Agency, LogEntry

__all__ = [
    "agency_kind_choices",
    "agency_kind_label",
    "log_kind_choices",
    "log_kind_label",
    "reason_choices",
    "reason_label",
]


def log_kind_choices(pack: Pack) -> list[tuple[str, str]]:
    return list(pack.cases.log_kinds) or list(LogEntry.Kind.choices)


def log_kind_label(pack: Pack, key: str) -> str:
    return labelled(pack.cases.log_kinds, LogEntry.Kind.choices, key)


def agency_kind_choices(pack: Pack) -> list[tuple[str, str]]:
    return list(pack.cases.agency_kinds) or list(Agency.Kind.choices)


def agency_kind_label(pack: Pack, key: str) -> str:
    return labelled(pack.cases.agency_kinds, Agency.Kind.choices, key)
