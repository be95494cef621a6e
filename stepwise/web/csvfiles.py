"""Write CSV files that a spreadsheet opens as data, never as formulas.

Every CSV Stepwise hands to a person (the standings, the Ministry export, the subject
access files, the audit log, the API's exports) is written through `csv_writer`. A
spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and one
that starts with a tab or carriage return, once trimmed), so a name typed as
`=HYPERLINK("https://…","Click")` would become a link, or worse, on the reader's
machine. Following OWASP's advice on CSV injection, such a text cell is written with a
single quote in front: spreadsheets show the text as typed, and the quote says why.

Numbers are not text: a value that is a Python number (a count, a percentage, a
negative change) is written as the number it is, so `-3` stays a number a spreadsheet
can add up. Only text that someone could have typed is neutralised, whatever it holds,
so the text "-3" becomes "'-3".
"""

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """Return a value as a CSV cell that a spreadsheet shows and never runs."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def yes_no(value: bool | str | None) -> str:
    """Return a yes-or-no as Stepwise's CSV files write it: "yes", "no", or "" if unknown.

    Text passes as it is: it is already what a file would hold (an API push's "yes").
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class CsvWriter:
    """A csv.writer whose every cell goes through safe_cell."""

    def __init__(self, file: Writable):
        self._writer = csv.writer(file, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: Writable) -> CsvWriter:
    """Return a writer for a CSV file a person will open, one row per line ("\\n")."""
    return CsvWriter(file)
