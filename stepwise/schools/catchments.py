"""Attendance services' catchments: which schools each service takes referrals from.

Whoever administers the installation sets them (the Organisations pages, `stepwise org
covers`); a school refers only within them (stepwise.referrals), and a service accepts
only referrals from schools they include (stepwise.cases).
"""

from django.db.models import Count, QuerySet

from stepwise.accounts.models import Organisation
from stepwise.rules.pack import available_packs

from .models import CatchmentSchool, School


def services_covering(school: School) -> QuerySet[Organisation]:
    """Return the attendance services whose catchment includes the school, by name."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.SERVICE, catchment__school=school
    ).order_by("name", "pk")


def catchment_pack_key(service: Organisation) -> str | None:
    """Return the key of the service's jurisdiction's pack: as recorded, else its catchment's."""
    return (
        service.pack
        or CatchmentSchool.objects.filter(service=service)
        .order_by()
        .values_list("school__pack", flat=True)[:1]
        .first()
    )


def installation_pack_key() -> str:
    """Return the pack most of the installation's schools follow (the first pack if none).

    The last resort for an organisation whose jurisdiction nothing records: the
    installation's own, rather than one written here.
    """
    most = (
        School.objects.order_by()
        .values("pack")
        .annotate(n=Count("pk"))
        .order_by("-n", "pack")
        .values_list("pack", flat=True)
        .first()
    )
    return most or available_packs()[0]


def covers(service: Organisation, school: School) -> bool:
    """Return whether the service's catchment includes the school."""
    return CatchmentSchool.objects.filter(service=service, school=school).exists()


def catchment_add(*, service: Organisation, schools: list[School]) -> int:
    """Add schools to a service's catchment; return how many were not in it already."""
    if service.kind != Organisation.Kind.SERVICE:
        raise ValueError(f"{service.name} is not an attendance service")
    added = 0
    for school in schools:
        _, created = CatchmentSchool.objects.get_or_create(service=service, school=school)
        added += created
    return added


def catchment_remove(*, service: Organisation, schools: list[School]) -> int:
    """Take schools out of a service's catchment; return how many were in it."""
    removed, _ = CatchmentSchool.objects.filter(service=service, school__in=schools).delete()
    return removed
