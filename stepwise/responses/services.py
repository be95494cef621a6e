"""Writes for response activities and the school's Descriptions."""

from stepwise.schools.models import School

from .models import Description


def descriptions_load_defaults(*, school: School) -> int:
    """Give a school the pack's default Descriptions for every response type it lacks."""
    have = set(school.descriptions.values_list("response_type", flat=True))
    new = [
        Description(school=school, response_type=t.key, text=text, position=i)
        for t in school.rules.response_types
        if t.key not in have
        for i, text in enumerate(t.descriptions)
    ]
    Description.objects.bulk_create(new)
    return len(new)
