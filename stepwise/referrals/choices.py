"""A referral's reasons in the words of the referring school's rule pack."""

from stepwise.rules.pack import Pack

from .models import Referral


def labelled(pairs: tuple[tuple[str, str], ...], defaults: list[tuple[str, str]], key: str) -> str:
    """Return a key's label: the pack's, else the app's own, else the key itself."""
    return dict(pairs).get(key) or dict(defaults).get(key, key)


def reason_choices(pack: Pack) -> list[tuple[str, str]]:
    """Return the reasons a referral or a case may give, as the pack words them."""
    return list(pack.cases.reasons) or list(Referral.Reason.choices)


def reason_label(pack: Pack, key: str) -> str:
    return labelled(pack.cases.reasons, Referral.Reason.choices, key)
