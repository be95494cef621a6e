"""A case's log and agency kinds in the pack's words: `{% load case_words %}`."""

from django import template

from stepwise.rules.pack import Pack

from ..choices import agency_kind_label, log_kind_label

register = template.Library()


@register.filter
def log_kind(pack: Pack, key: str) -> str:
    """Return a kind of engagement-log entry in the pack's words."""
    return log_kind_label(pack, key)


@register.filter
def agency_kind(pack: Pack, key: str) -> str:
    return agency_kind_label(pack, key)
