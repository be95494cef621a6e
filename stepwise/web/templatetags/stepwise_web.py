"""Filters every page shares: names, dates, figures, tiers' tags, the pack's words, form fields.

Load with `{% load stepwise_web %}`. Filters that need an app's own labels live with
that app (`referral_words`, `case_words`).
"""

from datetime import date

from django import forms, template
from django.contrib.auth.models import User
from django.forms import BoundField

from stepwise.rules.labels import figure_label
from stepwise.rules.pack import Level, Pack
from stepwise.web.names import display_name

register = template.Library()

# Rule packs name colours in plain words; these are the GOV.UK tag modifiers that
# exist for them. A colour without a modifier falls back to the plain (blue) tag.
TAG_COLOURS = {"green", "yellow", "orange", "red", "grey", "purple", "teal", "magenta"}


@register.filter
def tag_class(level: Level | None) -> str:
    """Return the GOV.UK tag classes for a tier or band, coloured as the pack says."""
    if level is None or level.colour not in TAG_COLOURS:
        return "govuk-tag"
    return f"govuk-tag govuk-tag--{level.colour}"


@register.filter
def days(value: float | None) -> str:
    """Return a count of days without a needless ".0" (7.0 -> "7", 7.5 -> "7.5")."""
    if value is None:
        return ""
    return f"{value:g}"


@register.filter
def percent(value: float | None) -> str:
    """Return an attendance percentage to one decimal place, or a dash with nothing to count."""
    if value is None:
        return "–"
    return f"{value:.1f}%"


@register.filter
def count(value: int | None) -> str:
    """Return a whole number with thousands grouped, as people read large counts: 447,370."""
    return "–" if value is None else f"{value:,}"


@register.filter
def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


@register.filter
def word(pack: Pack, key: str) -> str:
    """Return the pack's own word for something ("half-days", "authorised", "UPN")."""
    return pack.word(key)


@register.filter
def figure(pack: Pack, category: str) -> str:
    """Return the name of a class's total, saying what it counts ("Authorised absence")."""
    return figure_label(pack, category)


MONTHS_SHORT = (
    "", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


@register.filter
def day_month(day: date | None) -> str:
    """Return "7 Dec" for a date, as Django's `date:"j M"` does, at a fraction of its cost.

    A page of standings prints a few hundred of them; Django's filter looks up the
    locale's formats for each.
    """
    return f"{day.day} {MONTHS_SHORT[day.month]}" if day else ""


@register.filter
def short_label(label: str) -> str:
    """Return a threshold or flag label without its parenthesised explanation."""
    return label.split(" (", 1)[0]


@register.filter
def widget_kind(field: BoundField) -> str:
    """Return how _field.html draws a field (radios, checkboxes, checkbox, select, ...)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.filter
def error_summary(form: forms.Form) -> list[tuple[str, str]]:
    """Return (element id, message) for each of a bound form's errors, for _error_summary.html.

    A form with a summary() of its own says its order and where each message links
    (responses' forms link a date's message to its day box); otherwise the form's own
    errors come first, then each field's, linked to its control (a radio group's first).
    """
    own = getattr(form, "summary", None)
    if callable(own):
        return own()
    found = [("", str(error)) for error in form.non_field_errors()]
    for field in form:
        first = "_0" if widget_kind(field) == "radios" else ""
        found += [(f"{field.auto_id}{first}", str(error)) for error in field.errors]
    return found


@register.filter
def input_type(field: BoundField) -> str:
    return getattr(field.field.widget, "input_type", "text")


@register.filter
def input_value(field: BoundField) -> str:
    """Return a field's value as its widget writes it (dates as 2026-11-23, not "Nov. 23")."""
    return field.field.widget.format_value(field.value()) or ""


@register.filter
def user_name(user: User | None, nobody: str = "Nobody") -> str:
    """Return a colleague's full name, their user name if they have none, or `nobody`."""
    return display_name(user, nobody)
