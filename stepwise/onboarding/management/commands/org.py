from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from stepwise.accounts.models import Organisation
from stepwise.onboarding.organisations import (
    OrganisationError,
    referring_services,
    school_create,
    service_create,
    team_create,
)
from stepwise.onboarding.people import PeopleError, organisation_find
from stepwise.rules.pack import available_packs
from stepwise.schools.catchments import catchment_add, catchment_remove
from stepwise.schools.models import CatchmentSchool, School

K = Organisation.Kind


class Command(BaseCommand):
    help = (
        "Add and list organisations (schools, attendance services, prosecutions teams or "
        "local authorities), and set which schools an attendance service covers: a school "
        "refers only to a service whose catchment includes it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list organisations, with each service's catchment")
        add = sub.add_parser("add", help="add a school, attendance service or team")
        kinds = add.add_subparsers(dest="kind", required=True)
        school = kinds.add_parser("school", help="a school, with its pack's usual terms")
        school.add_argument("--id", required=True, dest="code", help="its import files' school_id")
        school.add_argument("--number", default="", help="the official school number")
        service = kinds.add_parser("service", help="an attendance service and its catchment")
        service.add_argument(
            "--covers", nargs="*", default=[], metavar="SCHOOL", help="school ids it covers"
        )
        team = kinds.add_parser(
            "team", help="a prosecutions team or local authority, and the services referring to it"
        )
        team.add_argument(
            "--services", nargs="*", default=[], metavar="SERVICE",
            help="names or numbers of the services that refer to it",
        )  # fmt: skip
        for found in (school, service, team):
            found.add_argument("--name", required=True, help="its name")
            found.add_argument("--pack", required=True, choices=available_packs(), help="rule pack")
        for action, what in (("covers", "add schools to"), ("uncovers", "take schools out of")):
            found = sub.add_parser(action, help=f"{what} a service's catchment")
            found.add_argument("service", help="the attendance service's name or number")
            found.add_argument("schools", nargs="+", metavar="school", help="school ids")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "list":
                self._list()
            elif action == "add":
                self._add(**options)
            else:
                self._cover(action, options["service"], options["schools"])
        except (OrganisationError, PeopleError) as e:
            raise CommandError(str(e)) from None

    def _add(self, *, kind: str, name: str, pack: str, **options) -> None:
        if kind == "school":
            school = school_create(
                code=options["code"], name=name, pack=pack, school_number=options["number"]
            )
            terms = ", ".join(f"{t.key} {t.start}..{t.end}" for t in school.terms.all())
            self.stdout.write(f"{school.organisation_id}\tAdded {school}. Terms: {terms}")
        elif kind == "service":
            service = service_create(name=name, pack=pack, schools=self._schools(options["covers"]))
            self.stdout.write(f"Added {service.name}.")
            self._catchment(service)
        else:
            services = [organisation_find(s, (K.SERVICE,)) for s in options["services"]]
            team = team_create(name=name, pack=pack, services=services)
            self.stdout.write(f"Added {team.name}.")
            self._team(team)

    def _cover(self, action: str, name: str, codes: list[str]) -> None:
        service = organisation_find(name, (K.SERVICE,))
        schools = self._schools(codes)
        with transaction.atomic():
            if action == "covers":
                changed = catchment_add(service=service, schools=schools)
                self.stdout.write(f"Added {changed} schools to {service.name}'s catchment.")
            else:
                changed = catchment_remove(service=service, schools=schools)
                self.stdout.write(f"Took {changed} schools out of {service.name}'s catchment.")
        self._catchment(service)

    def _schools(self, codes: list[str]) -> list[School]:
        schools = {s.code: s for s in School.objects.filter(code__in=codes)}
        for code in codes:
            if code not in schools:
                raise CommandError(f"no school has the id {code!r} (stepwise school list)")
        return [schools[code] for code in codes]

    def _catchment(self, service: Organisation) -> None:
        names = CatchmentSchool.objects.filter(service=service).values_list(
            "school__code", "school__name"
        )
        self.stdout.write(f"{service.pk}\t{service.name} covers:")
        for code, name in names:
            self.stdout.write(f"\t{code}\t{name}")

    def _team(self, team: Organisation) -> None:
        self.stdout.write(f"{team.pk}\t{team.name} ({team.get_kind_display().lower()}) takes from:")
        for service in referring_services(team):
            self.stdout.write(f"\t{service.pk}\t{service.name}")

    def _list(self) -> None:
        for org in Organisation.objects.order_by("kind", "name", "pk"):
            if org.kind == K.SERVICE:
                self._catchment(org)
            elif org.kind == K.PROSECUTIONS:
                self._team(org)
            else:
                self.stdout.write(f"{org.pk}\t{org.name} ({org.get_kind_display().lower()})")
