"""Run a `stepwise` command that is killed the moment it calls a chosen function.

    python -m tests.die_during MODULE:NAME.PATH stepwise-arguments...

The command is the real one, in its own process; when it calls the function (say
`stepwise.schools.models:Enrolment.objects.bulk_create`, after the students are
written) the process sends itself SIGKILL, as a power cut or the kernel's OOM killer
would stop it: no exception, no clean-up, no commit.
"""

import importlib
import os
import signal
import sys


def main(argv: list[str]) -> None:
    target, command = argv[0], argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepwise.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    module, path = target.split(":")
    owner = importlib.import_module(module)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    getattr(owner, name)  # a misspelt target fails here, not silently
    setattr(owner, name, lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL))
    execute_from_command_line(["stepwise", *command])


if __name__ == "__main__":
    main(sys.argv[1:])
