"""Stepwise's parts import one way, down the layers declared in stepwise/__init__.py."""

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import stepwise

PACKAGE = Path(stepwise.__file__).parent
LAYER = {part: level for level, parts in enumerate(stepwise.LAYERS) for part in parts}


def _part(module: str) -> str:
    """The part of Stepwise a dotted module name belongs to ("stepwise.cases.views": cases)."""
    return module.split(".")[1]


def _imports() -> list[tuple[str, int, str, str]]:
    """Every import of one part of Stepwise by another: (file:line, source, target, module).

    Imports inside functions count too: a late import is still a dependency.
    """
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        module = ".".join(relative.with_suffix("").parts)
        if module == "stepwise.__init__":
            continue
        source = _part(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level:
                package = module.split(".")[: -node.level]
                targets = [".".join([*package, *([node.module] if node.module else [])])]
            elif isinstance(node, ast.ImportFrom):
                targets = [node.module or ""]
            else:
                continue
            for target in targets:
                if target.startswith("stepwise.") and _part(target) != source:
                    found.append((f"{relative}:{node.lineno}", source, _part(target), target))
    return found


def test_every_part_of_stepwise_has_a_declared_layer():
    parts = {p.stem for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    parts.discard("__init__")
    assert sorted(parts - set(LAYER)) == [], "add these to stepwise.LAYERS"
    assert sorted(set(LAYER) - parts) == [], "stepwise.LAYERS names parts that do not exist"


def test_the_readme_says_what_every_part_owns():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How it is built") :]
    listed = set(re.findall(r"^- `(\w+)(?:/|\.py)`", section, flags=re.M))
    assert sorted(set(LAYER) - listed) == [], "say in the README what these parts own"


def test_no_part_of_stepwise_imports_from_a_layer_above_its_own():
    upward = [
        f"{where}: {source} imports {module}, from a higher layer"
        for where, source, target, module in _imports()
        if LAYER[target] > LAYER[source]
    ]
    assert upward == [], "\n".join(upward)


# `{% load a b %}` or `{% load name from library %}`.
LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
# `{% include "name" %}` or `{% extends "name" %}`; a name held in a variable is not read.
USE = re.compile(r"""{%\s*(include|extends)\s+(["'])(.+?)\2""")
# The project's own pages in stepwise/templates/ (the base page, error pages) sit with its
# wiring; stepwise/templates/<part>/ holds that part's pages.
WIRING = "urls"
# The frame every page extends: it sits with the wiring because it shows every part's
# navigation, and extending it only fills its blocks, so a page of any part may.
FRAME = "base.html"


def _owner(path: Path) -> str:
    """The part that owns a template file: its app's, or the wiring's in stepwise/templates/."""
    parts = path.relative_to(PACKAGE).parts
    if parts[0] != "templates":
        return parts[0]
    return parts[1] if len(parts) > 2 and parts[1] in LAYER else WIRING


def _template_name(path: Path) -> str:
    """The name a page uses for a template: its path below the templates folder it is in."""
    parts = path.relative_to(PACKAGE).parts
    return "/".join(parts[parts.index("templates") + 1 :])


def _uses(
    text: str, libraries: dict[str, str], owners: dict[str, str]
) -> Iterator[tuple[int, str, str]]:
    """Each tag library a template loads, and each template it includes or extends, with
    the part that owns it: (line, what, target)."""
    for number, line in enumerate(text.splitlines(), 1):
        for match in LOAD.finditer(line):
            names = match.group(1).split()
            if "from" in names:
                names = names[names.index("from") + 1 :]
            for name in names:
                if name in libraries:
                    yield number, f"loads {name}", libraries[name]
        for match in USE.finditer(line):
            verb, name = match.group(1), match.group(3)
            if name in owners and not (verb == "extends" and name == FRAME):
                yield number, f"{verb}s {name}", owners[name]


def _template_uses() -> list[tuple[str, str, str, str]]:
    """Every use of another part's tags or templates by a template: (file:line, source,
    target, what)."""
    libraries = {
        path.stem: path.relative_to(PACKAGE).parts[0]
        for path in PACKAGE.glob("*/templatetags/*.py")
        if path.stem != "__init__"
    }
    paths = sorted(PACKAGE.rglob("templates/**/*.html"))
    owners = {_template_name(path): _owner(path) for path in paths}
    found = []
    for path in paths:
        source = _owner(path)
        for number, what, target in _uses(path.read_text(encoding="utf-8"), libraries, owners):
            if target != source:
                where = f"{path.relative_to(PACKAGE.parent)}:{number}"
                found.append((where, source, target, what))
    return found


def test_no_template_uses_tags_or_templates_from_a_layer_above_its_own():
    upward = [
        f"{where}: {source} {what} of {target}, from a higher layer"
        for where, source, target, what in _template_uses()
        if LAYER[target] > LAYER[source]
    ]
    assert upward == [], "\n".join(upward)


def test_a_template_that_reaches_up_is_found():
    text = (
        '{% extends "base.html" %}\n{% load letter_ladder %}\n{% include "certificates/_p.html" %}'
    )
    owners = {"base.html": WIRING, "certificates/_p.html": "certificates"}
    found = list(_uses(text, {"letter_ladder": "letters"}, owners))
    assert found == [
        (2, "loads letter_ladder", "letters"),
        (3, "includes certificates/_p.html", "certificates"),
    ]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import loops between parts: each strongly connected set of two or more parts."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            loop = []
            while True:
                top = stack.pop()
                loop.append(top)
                if top == node:
                    break
            if len(loop) > 1:
                loops.append(sorted(loop))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return loops


def test_no_two_parts_of_stepwise_import_each_other_even_through_others():
    edges: dict[str, set[str]] = defaultdict(set)
    for _, source, target, _ in _imports():
        edges[source].add(target)
    assert _cycles(edges) == []


def test_an_import_loop_between_parts_is_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]
