"""The `stepwise` command: Django's management commands under the project's own name.

Run `stepwise` for Stepwise's commands, `stepwise <command> --help` for one, or
`stepwise help` for Django's too.
"""

import os
import sys

COMMANDS = {
    "admin create": "make an administrator of this installation (the first one, say)",
    "school add": "add a school with its rule pack and default terms",
    "org": "add and list schools, services and teams; set a service's catchment",
    "calendar": "show a school's terms for a year; set-term, close or reopen a day",
    "import": "import a roster, caregivers or register CSV file (or a system's export: --profile)",
    "import-profile": "save a school's import profile and map its system's own codes",
    "evaluate": "evaluate registers and record threshold events",
    "standings": "print each student's standing for a term (CSV or JSON)",
    "export ministry": "write a school's Ministry export for a period",
    "demo": "load a realistic synthetic school year",
    "demo-code": "print a demo user's current two-factor code",
    "serve": "run the web app on http://127.0.0.1:8000, with its background task worker",
    "deploy": "migrate the database and collect static files for this release",
    "secret-key": "print a new random SECRET_KEY for production",
    "backup": "back up the whole database to a file",
    "restore": "restore the database from a backup file",
    "subject-access": "export everything a school holds about one student (a zip)",
    "retention": "purge records past their retention, leaving tombstones",
    "api-token": "make, list or revoke a school's API tokens",
    "user invite": "give a person a role in an organisation and a link to sign up",
    "user enrolment-link": "print a one-time link for a user to set up two-factor sign-in",
}


def usage() -> str:
    lines = ["usage: stepwise <command> [options]", "", "Stepwise commands:"]
    lines += [f"  {name:<20} {what}" for name, what in COMMANDS.items()]
    lines += ["", "`stepwise <command> --help` explains one; `stepwise help` lists Django's too."]
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    if len(sys.argv) == 1 or sys.argv[1] in {"-h", "--help"}:
        print(usage())
        return
    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as e:  # a setting from the environment: say which, plainly
        sys.exit(f"stepwise: {e}")


if __name__ == "__main__":
    main()
