"""The `stepwise` command: Django's management commands under the project's own name.

Run `stepwise help` for every command, or `stepwise <command> --help` for one.
"""

import os
import sys

OUR_COMMANDS = ("school", "calendar", "import", "evaluate", "standings", "demo", "serve")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        print(
            "usage: stepwise <command> [options]\n\n"
            "Stepwise commands:\n"
            "  school add       add a school with its rule pack and default terms\n"
            "  calendar         show a school's terms and school days for a year\n"
            "  import           import a roster, caregivers or register CSV file\n"
            "  evaluate         evaluate registers and record threshold events\n"
            "  standings        print each student's standing for a term (CSV or JSON)\n"
            "  demo             load a realistic synthetic school year\n"
            "  serve            run the web app on http://127.0.0.1:8000\n\n"
            "`stepwise <command> --help` explains one; `stepwise help` lists Django's too."
        )
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
