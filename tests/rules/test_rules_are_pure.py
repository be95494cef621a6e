"""The rules core imports neither Django nor the rest of Stepwise."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: this test process has long since imported Django.
PROBE = """
import importlib, pkgutil, sys
import stepwise.rules
names = [m.name for m in pkgutil.walk_packages(stepwise.rules.__path__, "stepwise.rules.")]
for name in names:
    importlib.import_module(name)
print("MODULES", *names)
for loaded in sorted(sys.modules):
    inside = loaded == "stepwise.rules" or loaded.startswith("stepwise.rules.")
    if loaded.startswith("django") or (loaded.startswith("stepwise.") and not inside):
        print("IMPURE", loaded)
"""


def test_the_rules_core_imports_no_django_and_no_other_stepwise_module():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    modules = next(line.split()[1:] for line in lines if line.startswith("MODULES"))
    assert {
        "stepwise.rules.engine",
        "stepwise.rules.calendar",
        "stepwise.rules.pack",
        "stepwise.rules.golden",
        "stepwise.rules.ladder",
        "stepwise.rules.explain",
        "stepwise.rules.days",
    } <= set(modules)
    impure = [line.split()[1] for line in lines if line.startswith("IMPURE")]
    assert impure == [], f"stepwise.rules imported {', '.join(impure)}"
