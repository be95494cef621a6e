from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from stepwise.accounts.models import Organisation
from stepwise.schools.catchments import catchment_add, catchment_remove
from stepwise.schools.models import CatchmentSchool, School


class Command(BaseCommand):
    help = (
        "List organisations, and set which schools an attendance service covers: a school "
        "refers only to a service whose catchment includes it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list organisations, with each service's catchment")
        for action, what in (("covers", "add schools to"), ("uncovers", "take schools out of")):
            found = sub.add_parser(action, help=f"{what} a service's catchment")
            found.add_argument("service", help="the attendance service's name or number")
            found.add_argument("schools", nargs="+", metavar="school", help="school ids")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            self._list()
            return
        service = self._service(options["service"])
        schools = self._schools(options["schools"])
        with transaction.atomic():
            if action == "covers":
                changed = catchment_add(service=service, schools=schools)
                self.stdout.write(f"Added {changed} schools to {service.name}'s catchment.")
            else:
                changed = catchment_remove(service=service, schools=schools)
                self.stdout.write(f"Took {changed} schools out of {service.name}'s catchment.")
        self._catchment(service)

    def _service(self, name_or_number: str) -> Organisation:
        services = Organisation.objects.filter(kind=Organisation.Kind.SERVICE)
        found = list(services.filter(name=name_or_number))
        if not found and name_or_number.isdigit():
            found = list(services.filter(pk=int(name_or_number)))
        if len(found) != 1:
            raise CommandError(
                f"no attendance service is called or numbered {name_or_number!r}"
                if not found
                else f"{len(found)} attendance services are called {name_or_number!r}: "
                "give its number (stepwise org list)"
            )
        return found[0]

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

    def _list(self) -> None:
        for org in Organisation.objects.order_by("kind", "name", "pk"):
            if org.kind == Organisation.Kind.SERVICE:
                self._catchment(org)
            else:
                self.stdout.write(f"{org.pk}\t{org.name} ({org.get_kind_display().lower()})")
