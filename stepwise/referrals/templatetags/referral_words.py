"""A referral's or a case's reason in the pack's words: `{% load referral_words %}`."""

from django import template

from stepwise.rules.pack import Pack

from ..choices import reason_label

register = template.Library()


@register.filter
def case_reason(pack: Pack, key: str) -> str:
    """Return a case's or a referral's reason in the pack's words ("Persistent absence")."""
    return reason_label(pack, key)
