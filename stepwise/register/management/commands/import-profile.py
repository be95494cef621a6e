from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.register.importers.vendors import (
    BUILT_IN,
    ProfileError,
    import_profile_set,
    profile_of,
    profiles_for,
)
from stepwise.register.models import ImportCodeMapping
from stepwise.schools.models import School


class Command(BaseCommand):
    help = (
        "Save the import profile a school's register files use, and map the codes its system "
        "writes that are not its rule pack's own (LOCAL=CODE). With neither, show them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school id")
        parser.add_argument("--profile", choices=sorted(BUILT_IN), help="the system's profile")
        parser.add_argument("mappings", nargs="*", help="LOCAL=CODE, e.g. I_F=I")

    def handle(self, *args, school: str, profile: str | None, mappings: list[str], **options):
        found = School.objects.filter(code=school).first()
        if found is None:
            raise CommandError(f"unknown school {school!r}")
        pairs = {}
        for text in mappings:
            local, sep, code = text.partition("=")
            if not sep:
                raise CommandError(f"{text!r} is not LOCAL=CODE")
            pairs[local.strip()] = code.strip()
        try:
            chosen = profile_of(found, profile)
            if profile or pairs:
                import_profile_set(school=found, profile=chosen, mappings=pairs)
        except ProfileError as e:
            raise CommandError(str(e)) from None
        fitting = ", ".join(p.key for p in profiles_for(found.pack))
        self.stdout.write(f"{found.code} imports register files as {chosen.name} ({fitting} fit).")
        for m in ImportCodeMapping.objects.filter(school=found, profile=chosen.key):
            self.stdout.write(f"  {m.local_code} = {m.code}")
