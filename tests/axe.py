"""axe-core in every browser test: each page a test visits is checked before the test leaves it.

The `page` fixture (tests/conftest.py) loads axe-core (npm package `axe-core`, from the
project's node_modules) into every document the browser opens, and watches the page:
a page that has loaded is checked before the test's next navigating action (a click,
a key press, goto, reload, back or forward) and once more when the test ends, so the
final state (with anything htmx loaded) is checked too. A check runs in the page, where
the Content-Security-Policy does not reach it. The test fails at teardown on any
violation of serious or critical impact, and on the rules below that were fixed once
and must stay fixed.
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error, Locator, Page

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Moderate by axe's measure, but each was found and fixed: every landmark unique, all
# content inside one.
KEPT_FIXED = ("region", "landmark-unique")
# Checked at rest: the GOV.UK focus style swaps a link's underline for a yellow highlight,
# which axe's link-in-text-block check cannot see, so a link left focused by a click
# (a download) would be reported although a person sees it plainly.
RUN = """async () => {
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
  }
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""
# The actions that may leave a page: it is checked before each.
NAVIGATING = {
    Page: ("goto", "reload", "go_back", "go_forward", "click", "press"),
    Locator: ("click", "dblclick", "press"),
}


@dataclass
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.url}: {self.rule} ({self.impact}) {self.help}: {', '.join(self.targets)}"


@dataclass
class Watch:
    """One page's checks: whether it loaded since the last one, and what was found."""

    page: Page
    loaded: bool = False
    checked: set[str] = field(default_factory=set)  # the URLs checked
    found: list[Violation] = field(default_factory=list)

    def check(self) -> None:
        if not self.loaded:
            return
        self.loaded = False
        url = self.page.url
        try:
            violations = self.page.evaluate(RUN)
        except Error:  # the page went away meanwhile (a script navigated)
            return
        self.checked.add(url)
        self.found += [
            Violation(url, v["id"], v["impact"] or "", v["help"], v["targets"]) for v in violations
        ]

    def failures(self) -> list[Violation]:
        return [v for v in self.found if v.impact in FAILING_IMPACTS or v.rule in KEPT_FIXED]


WATCHES: dict[int, Watch] = {}


def watch(page: Page) -> Watch:
    """Load axe-core into every document of the page's context, and watch the page."""
    page.context.add_init_script(path=str(AXE))
    found = Watch(page)
    WATCHES[id(page._impl_obj)] = found

    def loaded(_page: Page) -> None:
        found.loaded = True

    page.on("load", loaded)
    return found


def _page_of(target: Page | Locator) -> Page:
    return target if isinstance(target, Page) else target.page


def _checked_first(method):
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        found = WATCHES.get(id(_page_of(self)._impl_obj))
        if found is not None:
            found.check()
        return method(self, *args, **kwargs)

    return run


def patch_navigating_actions(monkeypatch) -> None:
    """Check the page before every action that may leave it (for this test only)."""
    for kind, names in NAVIGATING.items():
        for name in names:
            monkeypatch.setattr(kind, name, _checked_first(getattr(kind, name)))
