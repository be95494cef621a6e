from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.intake.services import (
    caregivers_take,
    register_take,
    register_take_profiled,
    roster_take,
)
from stepwise.progress import progress_bar
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.vendors import BUILT_IN, ProfileError, profile_of
from stepwise.schools.models import School


class Command(BaseCommand):
    help = (
        "Import a roster, caregivers or register CSV file, all or nothing. "
        "A register import then re-evaluates the terms it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["roster", "caregivers", "register"])
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, with a header row)")
        parser.add_argument(
            "--no-evaluate",
            action="store_true",
            help="bulk loads: leave the changed terms pending evaluation (pages say so) "
            "until `stepwise evaluate` runs",
        )
        parser.add_argument(
            "--school",
            help="a register file's school, for a system's export without a school column; "
            "with no --profile, the profile saved for it (stepwise import-profile)",
        )
        parser.add_argument(
            "--profile",
            choices=sorted(BUILT_IN),
            help="read a register file as this system exports it (encoding, dates, columns, "
            "codes) rather than as Stepwise's CSV",
        )

    def handle(
        self,
        *args,
        kind: str,
        file: Path,
        no_evaluate: bool,
        school: str | None,
        profile: str | None,
        **options,
    ) -> None:
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"cannot read {file}: {e.strerror}") from None
        if (school or profile) and kind != "register":
            raise CommandError("--school and --profile are for a register file")
        try:
            if school or profile:
                result = self._profiled(data, file, school, profile, evaluate=not no_evaluate)
            elif kind == "roster":
                result = roster_take(data, file_name=file.name)
            elif kind == "caregivers":
                result = caregivers_take(data, file_name=file.name)
            else:
                with progress_bar(total=data.count(b"\n"), desc=f"Reading {file.name}") as bar:
                    result = register_take(
                        data, file_name=file.name, progress=bar.update, evaluate=not no_evaluate
                    )
        except ImportRejected as e:
            raise CommandError(e.summary()) from None
        self.stdout.write(result.summary())
        r = result.evaluation
        if r is not None:
            self.stdout.write(
                f"Evaluated {len(result.affected)} school terms ({r.students} students): "
                f"{r.created} threshold events reached, {r.moved} moved, {r.withdrawn} withdrawn."
            )
        elif kind == "register" and result.affected:
            self.stdout.write(
                f"Not evaluated: {len(result.affected)} school terms wait for `stepwise evaluate`, "
                "and their pages say so."
            )

    def _profiled(self, data: bytes, file: Path, code: str | None, key: str | None, evaluate):
        found = School.objects.filter(code=code).first() if code else None
        if code and found is None:
            raise CommandError(f"unknown school {code!r}")
        if found is None:
            assert key is not None
            chosen = BUILT_IN[key]  # a file that names its schools in a column
        else:
            try:
                chosen = profile_of(found, key)
            except ProfileError as e:
                raise CommandError(str(e)) from None
        return register_take_profiled(
            data, profile=chosen, file_name=file.name, school=found, evaluate=evaluate
        )
