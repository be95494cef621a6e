"""A CSV cell that a spreadsheet would run as a formula is written as text it shows."""

import ast
import io
from decimal import Decimal
from pathlib import Path

import pytest

import stepwise
from stepwise.web.csvfiles import csv_writer, safe_cell, yes_no

# (the value in Python, the cell written)
CELLS = [
    ('=HYPERLINK("https://evil.example","Click")', '\'=HYPERLINK("https://evil.example","Click")'),
    ("+64 21 000 0001", "'+64 21 000 0001"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-5", "'-5"),  # text that looks like a number is still text someone typed
    ("Aroha", "Aroha"),
    ("Ngā = whānau", "Ngā = whānau"),  # only the first character matters
    ("", ""),
    (None, ""),
    (-5, -5),  # numbers are numbers: a spreadsheet adds them up
    (-2.5, -2.5),
    (Decimal("-0.5"), Decimal("-0.5")),
    (True, True),
]


@pytest.mark.parametrize(("value", "cell"), CELLS)
def test_a_cell_is_written_as_data(value, cell):
    assert safe_cell(value) == cell


def test_the_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["name", "change"])
    writer.writerows([["=1+1", -3], ["@A1", 4]])
    assert out.getvalue() == "name,change\n'=1+1,-3\n'@A1,4\n"


# Every place that writes CSV without csv_writer, and why its cells are not neutralised:
# none of these files is handed to a person to open in a spreadsheet.
RAW_CSV_WRITERS = {
    "stepwise/web/csvfiles.py:CsvWriter.__init__": "the one writer, that neutralises each cell",
    "stepwise/api/exports.py:write_parquet": "a file DuckDB reads back to write Parquet, whose "
    "cells keep their values exactly; it is deleted at once",
    "stepwise/api/formats.py:csv_bytes": "rows pushed through the API, made into a file for the "
    "importers, which read it back as typed",
    "stepwise/register/importers/profiles.py:translate": "a system's export rewritten as "
    "Stepwise's register CSV for the importer, which reads it back at once",
    "stepwise/demo/generate.py:write_csv": "the demo's synthetic import files, read back by "
    "`stepwise demo`",
    "stepwise/demo/load.py:_csv": "the demo's synthetic import files, read back at once",
    "stepwise/demo/snapshot.py:snapshot_files": "the demo standings snapshot: a reviewable diff "
    "in the repository, not an export",
}


def writer_calls(node: ast.AST, scope: str) -> set[str]:
    """Return the scopes ("Class.method") under `node` that call csv.writer or csv.DictWriter."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        scope = f"{scope}.{node.name}" if scope else node.name
    found = set()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner, name = node.func.value, node.func.attr
        if isinstance(owner, ast.Name) and owner.id == "csv" and name in {"writer", "DictWriter"}:
            found.add(scope or "<module>")
    for child in ast.iter_child_nodes(node):
        found |= writer_calls(child, scope)
    return found


def csv_writer_calls() -> set[str]:
    """Return "path:scope" for every call of csv.writer or csv.DictWriter in stepwise/."""
    root = Path(stepwise.__file__).parent
    return {
        f"{path.relative_to(root.parent).as_posix()}:{scope}"
        for path in sorted(root.rglob("*.py"))
        for scope in writer_calls(ast.parse(path.read_text(), str(path)), "")
    }


def test_every_csv_stepwise_writes_goes_through_the_one_writer():
    found = csv_writer_calls()
    unexplained = found - set(RAW_CSV_WRITERS)
    assert not unexplained, (
        f"write these CSVs with stepwise.web.csvfiles.csv_writer: {sorted(unexplained)}"
    )
    gone = set(RAW_CSV_WRITERS) - found
    assert not gone, f"no longer write CSV: take them out of RAW_CSV_WRITERS: {sorted(gone)}"


# (the answer as stored or pushed, what a file holds for it)
YES_NO = [(True, "yes"), (False, "no"), (None, ""), ("yes", "yes"), ("no", "no")]


@pytest.mark.parametrize(("answer", "written"), YES_NO)
def test_a_yes_or_no_is_written_alike_by_every_file(answer, written):
    assert yes_no(answer) == written
