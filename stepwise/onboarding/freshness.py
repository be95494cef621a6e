"""Every school page says when its register was last updated, and warns when the last
school day has no marks yet (stepwise.register.freshness)."""

from django.http import HttpRequest
from django.utils import timezone

from stepwise.register.freshness import register_freshness
from stepwise.schools.access import schools_for_user


def freshness(request: HttpRequest) -> dict[str, object]:
    """Return the register's freshness for a page of a school the user may see, for base.html."""
    match = request.resolver_match
    code = match.kwargs.get("code") if match is not None else None
    if not code or not request.user.is_authenticated:
        return {}
    school = schools_for_user(request.user).filter(code=code).first()
    if school is None:  # not theirs: the page is a 404, and must say nothing of it
        return {}
    now = timezone.localtime()  # the organisation's zone: the middleware set it
    return {
        "register_freshness": register_freshness(school, now),
        "freshness_today": now.date(),
        "freshness_school": school,
    }
