"""Small formatting helpers for the school workspace templates."""

from django import template

from stepwise.rules.pack import Level, Pack

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
def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


@register.filter
def word(pack: Pack, key: str) -> str:
    """Return the pack's own word for something ("half-days", "authorised", "UPN")."""
    return pack.word(key)


@register.filter
def short_label(label: str) -> str:
    """Return a threshold or flag label without its parenthesised explanation."""
    return label.split(" (", 1)[0]
