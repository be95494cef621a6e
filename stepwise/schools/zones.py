"""Each organisation's time zone: its own, or its rule pack's.

A Kent school's "today" is London's, not Auckland's: the day a register may be marked
up to, when a response falls due, and every date printed. Requests run in the signed-in
person's organisation's zone (the middleware below); work for a school outside a request
asks for the school's zone.
"""

from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from stepwise.accounts.models import Membership, Organisation
from stepwise.rules.pack import load_pack

from .models import School


def zone_name(organisation: Organisation) -> str:
    """Return the organisation's zone: its own, else its pack's, else the installation's."""
    if organisation.time_zone:
        return organisation.time_zone
    school = School.objects.filter(organisation=organisation).first()
    pack = school.pack if school is not None else organisation.pack
    return load_pack(pack).calendar.time_zone if pack else settings.TIME_ZONE


def school_zone(school: School) -> ZoneInfo:
    own = school.organisation.time_zone
    return ZoneInfo(own or school.rules.calendar.time_zone)


def school_today(school: School) -> date:
    """Return today's date where the school is."""
    return timezone.localdate(timezone=school_zone(school))


def check_zone(name: str) -> str:
    """Return `name` if it is an IANA time zone, else raise ValueError saying so."""
    if name not in available_timezones():
        raise ValueError(f"{name!r} is not a time zone (for example Europe/London)")
    return name


class OrganisationTimeZoneMiddleware:
    """Run each signed-in person's request in their organisation's time zone.

    With memberships in several organisations, the first (as the menu lists them) sets it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        membership = (
            Membership.objects.filter(user_id=user.pk)
            .select_related("organisation")
            .order_by("organisation__school__code", "organisation__name", "organisation_id")
            .first()
            if user is not None and user.is_authenticated
            else None
        )
        if membership is None:
            return self.get_response(request)
        with timezone.override(ZoneInfo(zone_name(membership.organisation))):
            return self.get_response(request)
