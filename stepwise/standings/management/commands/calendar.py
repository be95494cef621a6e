from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stepwise.rules.calendar import SESSIONS
from stepwise.schools.calendars import closed_days, closed_sessions, school_calendar
from stepwise.schools.models import School
from stepwise.standings.calendar_changes import (
    CalendarChange,
    CalendarChangeError,
    day_close,
    day_reopen,
    term_set,
)

USAGE_NOTE = (
    "With no action, show a school's terms for a year (--school S --year Y). "
    "set-term, close and reopen change its calendar; each change is audited and "
    "re-evaluates the term it touches."
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Show a school's terms and school days, or change its term dates and closure days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = USAGE_NOTE
        parser.add_argument("--school", help="the school id")
        parser.add_argument("--year", type=int, help="the school year to show, e.g. 2026")
        parser.add_argument("--days", action="store_true", help="list every school day too")
        sub = parser.add_subparsers(dest="action")
        set_term = sub.add_parser("set-term", help="set a term's first and last day")
        close = sub.add_parser("close", help="close the school on a day, with a reason")
        reopen = sub.add_parser("reopen", help="remove a closure day, with a reason")
        for action in (set_term, close, reopen):
            action.add_argument("--school", required=True, help="the school id")
            action.add_argument("--by", help="the Stepwise username making the change")
        set_term.add_argument("--term", required=True, help="the term's key, e.g. 2026T1")
        set_term.add_argument("--start", required=True, type=_day, help="its first day")
        set_term.add_argument("--end", required=True, type=_day, help="its last day")
        for action in (close, reopen):
            action.add_argument("--date", required=True, type=_day, help="the day, YYYY-MM-DD")
            action.add_argument("--reason", required=True, help="why, e.g. 'Training day'")
            action.add_argument(
                "--session",
                choices=SESSIONS,
                default="",
                help="one session only (a half day); without it, the whole day",
            )
        close.add_argument(
            "--keep-marks",
            action="store_true",
            help="confirm that marks already recorded that day stay on record, not counted",
        )

    def handle(self, *args, action: str | None, school: str | None, **options) -> None:
        if not school:
            raise CommandError("say which school with --school")
        found = School.objects.filter(code=school).first()
        if found is None:
            raise CommandError(f"no school with id {school!r} (see `stepwise school list`)")
        if action is None:
            return self._show(found, options["year"], options["days"])
        by = None
        if options.get("by"):
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"--by: no user called {options['by']!r}")
        try:
            if action == "set-term":
                change = term_set(
                    school=found,
                    key=options["term"],
                    start=options["start"],
                    end=options["end"],
                    by=by,
                )
            elif action == "close":
                change = day_close(
                    school=found,
                    day=options["date"],
                    reason=options["reason"],
                    by=by,
                    keep_marks=options["keep_marks"],
                    session=options["session"],
                )
            else:
                change = day_reopen(
                    school=found,
                    day=options["date"],
                    reason=options["reason"],
                    by=by,
                    session=options["session"],
                )
        except CalendarChangeError as e:
            flag = {"keep_marks": "--keep-marks"}.get(e.field, f"--{e.field}")
            raise CommandError(f"{flag}: {e.message}") from None
        self._report(change)

    def _report(self, change: CalendarChange) -> None:
        result = change.evaluation
        self.stdout.write(
            f"{change.summary}. Re-evaluated {result.students} students: "
            f"{result.created} threshold events reached, {result.moved} moved, "
            f"{result.withdrawn} withdrawn."
        )

    def _show(self, found: School, year: int | None, days: bool) -> None:
        if year is None:
            raise CommandError("say which school year to show with --year")
        terms = list(found.terms.filter(year=year))
        if not terms:
            raise CommandError(f"{found.code} has no terms in {year}")
        calendar = school_calendar(found, terms)
        shut = {(day, ""): reason for day, reason in closed_days(found, terms).items()}
        shut.update(closed_sessions(found, terms))
        for term in terms:
            open_days = calendar.school_days(term.key)
            sessions = int(calendar.session_open[calendar.slots(term.key)].sum())
            self.stdout.write(
                f"{term.key}  {term.name}: {term.start} to {term.end}, "
                f"{len(open_days)} school days ({sessions} sessions)"
            )
            for (day, session), reason in sorted(shut.items()):
                if term.contains(day) and day.weekday() < 5:
                    when = f"{day} {day:%a} {session}".rstrip()
                    self.stdout.write(f"    closed {when}: {reason}")
            if days:
                for day in open_days:
                    self.stdout.write(f"    {day} {day:%a}")
