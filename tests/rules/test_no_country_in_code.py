"""What differs between jurisdictions lives in the rule packs, never in Python.

No module outside stepwise/rules/packs (which holds only data) may name a country in its
code: a string or a name such as "NZ", "GB", "England" or "Kent" means a jurisdiction's
rule written in Python, which a new jurisdiction's pack could not change. Comments and
docstrings may name the sources a mechanism was built from. The demo is exempt: it is
synthetic data for two named packs, like a fixture. Migrations record history.
"""

import ast
import re
from pathlib import Path

import stepwise

ROOT = Path(stepwise.__file__).parent
COUNTRY = re.compile(
    r"\b(NZ|GB|ENG|New Zealand|Aotearoa|England|Kent|Wales|Scotland|United Kingdom)\b"
)
# In names, any case: ENGLAND_LISTS, nz_profiles.
NAME = re.compile(r"\b(nz|gb|new zealand|aotearoa|england|kent|wales|scotland)\b", re.IGNORECASE)
EXEMPT = ("demo", "migrations")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def countries_named(source: str) -> list[tuple[int, str]]:
    """Return (line, text) for each string or name in the code that names a country."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if COUNTRY.search(node.value):
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if NAME.search(name.replace("_", " ")):
                found.append((node.lineno, name))
    return found


def test_no_module_outside_the_packs_names_a_country():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        if any(part in EXEMPT for part in path.relative_to(ROOT).parts):
            continue
        for line, text in countries_named(path.read_text()):
            problems.append(f"{path.relative_to(ROOT.parent)}:{line}: {text[:80]!r}")
    assert not problems, "move these into the rule packs:\n" + "\n".join(problems)


def test_a_country_check_in_code_is_found():
    assert countries_named('if pack.country != "NZ":\n    pass\n') == [(1, "NZ")]
    assert countries_named("ENGLAND_LISTS = ()\n") == [(1, "ENGLAND_LISTS")]


def test_a_docstring_naming_its_source_is_allowed():
    assert countries_named('def f():\n    """From New Zealand\'s guidance."""\n') == []
