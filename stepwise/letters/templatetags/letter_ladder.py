"""The case page's advice for a family not engaging: `{% refusal_next_step case signal %}`."""

from django import template

from stepwise.cases.models import Case
from stepwise.rules.engagement import Signal

from ..cases.selectors import refusal_next_step as next_step

register = template.Library()


@register.simple_tag
def refusal_next_step(case: Case, signal: Signal) -> str:
    """Return the next step the signal suggests, from where the case is on its ladder."""
    return next_step(case, signal) if signal.refusing else ""
