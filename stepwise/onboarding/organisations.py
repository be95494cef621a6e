"""Organisations, added and changed by whoever administers the installation.

Schools (school_setup: the organisation, its terms and the pack's default
Descriptions), attendance services with their catchment of schools, and prosecution
or statutory-intervention teams with the services that refer to them (a service's
ReferralRoute). A service covers, and a team takes from, only organisations of its
own country: a Kent service never takes a New Zealand school's referral.
"""

from datetime import date

from django.db import transaction

from stepwise.accounts.models import Organisation
from stepwise.readiness.models import ReferralRoute
from stepwise.responses.services import descriptions_load_defaults
from stepwise.rules.pack import available_packs, load_pack
from stepwise.schools.catchments import catchment_add
from stepwise.schools.models import CatchmentSchool, School
from stepwise.schools.services import SchoolError, school_add

K = Organisation.Kind
NAME_MAX = Organisation._meta.get_field("name").max_length or 200


class OrganisationError(ValueError):
    """An organisation could not be added or changed as asked; `field` names the input."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise OrganisationError("Enter the organisation's name", "name")
    if len(name) > NAME_MAX:
        raise OrganisationError(f"The name must be {NAME_MAX} characters or fewer", "name")
    return name


def _pack(pack: str) -> str:
    if pack not in available_packs():
        raise OrganisationError("Select the rule pack of its jurisdiction", "pack")
    return pack


def _same_country(pack: str, others: list[tuple[str, str]], what: str) -> None:
    """Refuse organisations (name, pack) of another country than the pack's."""
    country = load_pack(pack).country
    for name, other in others:
        if load_pack(other).country != country:
            raise OrganisationError(
                f"{name} follows the {load_pack(other).name} rule pack: {what} only "
                f"organisations of the {load_pack(pack).name} rule pack's country",
                "pack",
            )


@transaction.atomic
def school_setup(
    *, code: str, name: str, pack: str, school_number: str = "", today: date | None = None
) -> School:
    """Add a school ready for work: its organisation, the pack's terms and default Descriptions.

    The command line, the administrator's pages and the demo all add schools through it.
    """
    school = school_add(code=code, name=name, pack=pack, school_number=school_number, today=today)
    descriptions_load_defaults(school=school)
    return school


def school_create(*, code: str, name: str, pack: str, school_number: str = "") -> School:
    """Add a school with its organisation, its pack's terms and Descriptions."""
    code = code.strip()
    if not code:
        raise OrganisationError("Enter the school_id its import files use", "code")
    try:
        return school_setup(
            code=code, name=_name(name), pack=_pack(pack), school_number=school_number.strip()
        )
    except SchoolError as e:
        message = str(e)
        raise OrganisationError(message[:1].upper() + message[1:], "code") from None


@transaction.atomic
def service_create(*, name: str, pack: str, schools: list[School] | None = None) -> Organisation:
    """Add an attendance service that takes referrals from the schools of its catchment."""
    service = Organisation.objects.create(name=_name(name), kind=K.SERVICE, pack=_pack(pack))
    catchment_set(service=service, schools=schools or [])
    return service


@transaction.atomic
def team_create(
    *, name: str, pack: str, services: list[Organisation] | None = None
) -> Organisation:
    """Add a prosecutions team or local authority, and the services that refer to it."""
    team = Organisation.objects.create(name=_name(name), kind=K.PROSECUTIONS, pack=_pack(pack))
    referrers_set(team=team, services=services or [])
    return team


def catchment_set(*, service: Organisation, schools: list[School]) -> None:
    """Make the service's catchment exactly these schools."""
    _same_country(service.pack, [(s.name, s.pack) for s in schools], "an attendance service covers")
    CatchmentSchool.objects.filter(service=service).exclude(school__in=schools).delete()
    catchment_add(service=service, schools=schools)


def referrers_set(*, team: Organisation, services: list[Organisation]) -> None:
    """Make these services, and only these, refer their cases to the team.

    A service refers to one team: choosing it here moves it from any other team.
    """
    _same_country(
        team.pack, [(s.name, s.pack) for s in services if s.pack], "a team takes referrals from"
    )
    ReferralRoute.objects.filter(team=team).exclude(service__in=services).delete()
    for service in services:
        ReferralRoute.objects.update_or_create(service=service, defaults={"team": team})


@transaction.atomic
def organisation_change(
    *,
    organisation: Organisation,
    name: str,
    school_number: str = "",
    schools: list[School] | None = None,
    services: list[Organisation] | None = None,
) -> Organisation:
    """Rename an organisation; set a school's number, a service's catchment, a team's services."""
    organisation.name = _name(name)
    organisation.save(update_fields=["name"])
    if organisation.kind == K.SCHOOL:
        School.objects.filter(organisation=organisation).update(
            name=organisation.name, school_number=school_number.strip()
        )
    elif organisation.kind == K.SERVICE and schools is not None:
        catchment_set(service=organisation, schools=schools)
    elif organisation.kind == K.PROSECUTIONS and services is not None:
        referrers_set(team=organisation, services=services)
    return organisation


def referring_services(team: Organisation) -> list[Organisation]:
    return [
        r.service
        for r in ReferralRoute.objects.filter(team=team)
        .select_related("service")
        .order_by("service__name")
    ]
