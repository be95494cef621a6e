"""The Jinja environment Word templates run in: Jinja's sandbox, with hard limits.

Jinja's sandbox keeps a template from reaching Python objects, but not from running
for ever or filling memory: `range(10**9)`, loops nested five deep, a text doubled
sixty times. This environment counts and measures as the template runs, and stops it
with a LimitError naming the limit the moment one is passed:

- `range` gives at most `Limits.range` numbers;
- every step of every loop counts (a compile-time rewrite passes each loop's
  iterable through `_steps`), at most `Limits.steps` in all;
- `*`, `**`, `+`, `~` and the filters that build texts check the size of what they
  would build before building it; `%` formatting of texts is refused;
- the values written, and the whole document, are counted as they are written;
- a clock is read at every step, call, operator, filter and value: past
  `Limits.seconds`, the template stops.

Only filters that cannot build something large from something small are offered
(ALLOWED_FILTERS); a text offers only methods that make nothing bigger than itself.
Pure: no Django.
"""

import operator
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateRuntimeError, nodes
from jinja2.environment import Template
from jinja2.runtime import markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer


@dataclass(frozen=True)
class Limits:
    range: int = 1_000  # numbers one range() may give
    steps: int = 10_000  # loop steps in one filling of a template
    text: int = 100_000  # characters (or items) of one text or list a template builds
    number_bits: int = 4_096  # binary digits of a number a template builds (~1,200 digits)
    values: int = 1_000_000  # characters of values written, in all
    document: int = 20_000_000  # characters of the filled document's XML, in all
    seconds: float = 2.0  # wall-clock time to fill one document


LIMITS = Limits()


def described(limits: Limits = LIMITS) -> list[str]:
    """Return the limits in words, for the people who write templates."""
    return [
        f"A range gives at most {limits.range:,} numbers, and all the template's loops "
        f"together take at most {limits.steps:,} steps.",
        f"A text or list it builds holds at most {limits.text:,} characters or items, and it "
        f"writes at most {limits.values:,} characters of values in all.",
        f"Filling it takes at most {limits.seconds:g} seconds.",
        "Only filters that cannot make something big out of something small may be used "
        "(upper, lower, title, default, replace, join, truncate and the like), and a text "
        "offers no method that makes it bigger: no format, no % formatting.",
    ]


# Filters whose result is no bigger than a small multiple of their input; `join` and
# `replace` are measured before they run.
ALLOWED_FILTERS = frozenset({
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
    "float", "forceescape", "groupby", "int", "items", "join", "last", "length", "list", "lower",
    "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
    "selectattr", "sort", "string", "striptags", "title", "trim", "truncate", "unique", "upper",
    "wordcount",
})  # fmt: skip
# The methods a text offers: none makes a text bigger than itself.
TEXT_METHODS = frozenset({
    "capitalize", "count", "endswith", "find", "isalpha", "isdigit", "islower", "isspace",
    "istitle", "isupper", "lower", "lstrip", "rfind", "rsplit", "rstrip", "split", "splitlines",
    "startswith", "strip", "title", "upper",
})  # fmt: skip
STEPS = "stepwise_loop_steps"
CONCAT = "stepwise_concat"


class LimitError(TemplateRuntimeError):
    """A template passed one of its limits; the message says which."""


class _Guards(NodeTransformer):
    """Route every loop's iterable through STEPS and every `~` through CONCAT."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.Name(STEPS, "load"), [node.iter], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        guard = nodes.Name(CONCAT, "load")
        return nodes.Call(guard, node.nodes, [], None, None, lineno=node.lineno)


class _LimitedTemplate(Template):
    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render as Jinja does, counting every character of the document as it is written."""
        environment: LimitedEnvironment = self.environment  # type: ignore[assignment]
        context = self.new_context(dict(*args, **kwargs))
        try:
            return environment.concat(environment.counted(self.root_render_func(context)))  # type: ignore[attr-defined]
        except Exception:
            environment.handle_exception()


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's sandbox with autoescaping and hard limits, for filling one document.

    The counts and the clock start when the environment is made: make one per document.
    """

    template_class = _LimitedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, limits: Limits = LIMITS) -> None:
        super().__init__(autoescape=True, finalize=self._value_written)
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.steps = 0
        self.values = 0
        self.document = 0
        self.filters = {
            name: self._measured(name, f)
            for name, f in self.filters.items()
            if name in ALLOWED_FILTERS
        }
        self.globals.pop("lipsum", None)  # lipsum(n) writes n paragraphs
        self.globals.update({"range": self._range, STEPS: self._steps, CONCAT: self._concat})

    # --- The clock and the counters -----------------------------------------------------

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitError(
                f"The template took longer than {self.limits.seconds:g} seconds to fill"
            )

    def _steps(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            self.steps += 1
            if self.steps > self.limits.steps:
                raise LimitError(f"The template takes more than {self.limits.steps:,} loop steps")
            self.tick()
            yield item

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            count = len(numbers)
        except OverflowError:  # more than a machine word can count
            count = self.limits.range + 1
        if count > self.limits.range:
            asked = ", ".join(map(str, args))
            raise LimitError(
                f"range({asked}) asks for more than {self.limits.range:,} numbers: a template "
                f"may count to at most {self.limits.range:,} numbers"
            )
        return numbers

    def _value_written(self, value: Any) -> Any:
        self.tick()
        self.values += len(str(value))
        if self.values > self.limits.values:
            raise LimitError(
                f"The template writes more than {self.limits.values:,} characters of values"
            )
        return value

    def counted(self, chunks: Iterable[str]) -> Iterator[str]:
        """Yield the document's chunks, counting them against the document limit."""
        self.tick()
        for chunk in chunks:
            self.document += len(chunk)
            if self.document > self.limits.document:
                raise LimitError(
                    f"The filled document would be longer than {self.limits.document:,} characters"
                )
            yield chunk

    # --- Sizes, checked before anything big is built ------------------------------------

    def _text_fits(self, length: int) -> None:
        if length > self.limits.text:
            raise LimitError(
                f"The template builds a text longer than {self.limits.text:,} characters"
            )

    def _number_fits(self, bits: int) -> None:
        if bits > self.limits.number_bits:
            raise LimitError("The template builds too large a number")

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        self.tick()
        sized = (str, list, tuple)
        if operator_name == "%" and isinstance(left, str):
            raise LimitError(
                "The template uses % formatting on a text: write the words and placeholders instead"
            )
        if operator_name == "*" and isinstance(left, sized) and isinstance(right, int):
            self._text_fits(len(left) * right)
        elif operator_name == "*" and isinstance(right, sized) and isinstance(left, int):
            self._text_fits(len(right) * left)
        elif operator_name == "*" and isinstance(left, int) and isinstance(right, int):
            self._number_fits(left.bit_length() + right.bit_length())
        elif operator_name == "**" and isinstance(left, int) and isinstance(right, int):
            self._number_fits(max(left.bit_length(), 1) * max(right, 0))
        elif operator_name == "+" and isinstance(left, sized) and isinstance(right, sized):
            self._text_fits(len(left) + len(right))
        return BINOPS[operator_name](left, right)

    def _concat(self, *parts: Any) -> str:
        self._text_fits(sum(len(str(part)) for part in parts))
        return markup_join(parts)

    def _measured(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a filter: the clock, a size check before (join, replace) and after."""
        before = {"join": self._join_fits, "replace": self._replace_fits}.get(name)

        def measured(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            if before is not None:
                args = before(*args, **kwargs)
            found = function(*args, **kwargs)
            if isinstance(found, str | list | tuple):
                self._text_fits(len(found))
            return found

        # Keep Jinja's marker (pass_context, pass_eval_context, ...) on the wrapper.
        if hasattr(function, "jinja_pass_arg"):
            measured.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
        return measured

    def _join_fits(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        # join(eval_ctx, value, d="", attribute=None): the items are read once, here.
        eval_ctx, value, *rest = args
        items = list(value)
        separator = str(rest[0] if rest else kwargs.get("d", ""))
        self._text_fits(
            sum(len(str(item)) for item in items) + len(separator) * max(len(items) - 1, 0)
        )
        return (eval_ctx, items, *rest)

    def _replace_fits(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        # replace(eval_ctx, s, old, new, count=None)
        _, text, old, new, *rest = args
        text, old, new = str(text), str(old), str(new)
        count = rest[0] if rest else kwargs.get("count")
        found = text.count(old) if old else len(text) + 1
        if count is not None and count >= 0:
            found = min(found, count)
        self._text_fits(len(text) + found * max(len(new) - len(old), 0))
        return args

    # --- What a template may reach ------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in TEXT_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        # Jinja's sandbox offers str.format and format_map, whose widths build any size of
        # text: a text offers neither (is_safe_attribute refuses them).
        return None

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if any(loop.recursive for loop in tree.find_all(nodes.For)):
            raise LimitError("The template uses a recursive loop: Stepwise does not allow them")
        refused = sorted({f.name for f in tree.find_all(nodes.Filter)} - ALLOWED_FILTERS)
        if refused:
            raise LimitError(
                f"The template uses filters Stepwise does not allow: {', '.join(refused)}. "
                f"Use only: {', '.join(sorted(ALLOWED_FILTERS))}"
            )
        guarded = _Guards().visit(tree)
        guarded.set_environment(self)
        return guarded


BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul,
    "**": operator.pow,
    "+": operator.add,
    "%": operator.mod,
}
