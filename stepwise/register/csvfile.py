"""Read an uploaded CSV file strictly, collecting problems that name the row and column."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    line: int  # line in the file, the header being line 1; 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """A file was refused as a whole; nothing from it was written."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        super().__init__(self.summary())

    def summary(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"{self.file_name} was not imported; nothing was changed."]
        lines += [f"{self.file_name}, {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"... and {len(self.problems) - len(shown)} more problems.")
        return "\n".join(lines)


@dataclass
class Problems:
    """Collect problems while reading; stop collecting detail after a generous limit."""

    file_name: str
    items: list[Problem] = field(default_factory=list)

    def add(self, line: int, column: str, message: str) -> None:
        self.items.append(Problem(line, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.file_name, self.items)


def open_reader(data: bytes, *, header: tuple[str, ...], problems: "Problems"):
    """Return a csv reader positioned after the header, once encoding and header are right.

    Raises ImportRejected for an empty file, a file that is not UTF-8, or a wrong header.
    """
    file_name = problems.file_name
    if not data.strip():
        raise ImportRejected(file_name, [Problem(0, "", "the file is empty")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        message = (
            f"the file is not UTF-8 text (byte 0x{data[e.start]:02x}); "
            "save it as CSV UTF-8 and try again"
        )
        raise ImportRejected(file_name, [Problem(line, "", message)]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    found = [h.strip() for h in next(reader, [])]
    if tuple(found) != header:
        message = f"the header must be {','.join(header)} but it is {','.join(found)}"
        raise ImportRejected(file_name, [Problem(1, "", message)])
    return reader


def is_blank(fields: list[str]) -> bool:
    return not any(f.strip() for f in fields)


def read_rows(
    data: bytes, *, header: tuple[str, ...], problems: "Problems"
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each data row; wrong field counts go to `problems`."""
    reader = open_reader(data, header=header, problems=problems)
    width = len(header)
    try:
        for fields in reader:
            if len(fields) != width:
                if not is_blank(fields):
                    problems.add(
                        reader.line_num, "", f"expected {width} fields, found {len(fields)}"
                    )
                continue
            yield reader.line_num, fields
    except csv.Error as e:
        problems.add(reader.line_num, "", f"this is not readable CSV ({e})")


def parse_date(text: str) -> date | None:
    """Return the ISO 8601 date in `text`, or None if it is not one."""
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def parse_yes_no(text: str) -> bool | None:
    value = text.strip().lower()
    return True if value in YES else False if value in NO else None
