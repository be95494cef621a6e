"""Write tables out as CSV or Parquet: standings and the Ministry export's two files.

Parquet is written by DuckDB (the design's choice for bulk export) from a CSV it reads
with the column types given, so a student id stays text ("000123" keeps its zeros).
Nothing here reads a private note: the rows come from the same functions as the
CSV exports (stepwise/dashboard/export.py, stepwise/standings/table.py).
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from stepwise.web.csvfiles import csv_writer

FORMATS = ("csv", "parquet")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return the rows as a CSV file for a person: no cell opens as a formula."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def column_types(columns: Sequence[str], rows: list[Sequence[Any]]) -> dict[str, str]:
    """Return each column's DuckDB type, from the first value that is not None."""
    types = {}
    for i, name in enumerate(columns):
        value = next((r[i] for r in rows if r[i] is not None), None)
        if isinstance(value, bool):
            types[name] = "BOOLEAN"
        elif isinstance(value, int):
            types[name] = "BIGINT"
        elif isinstance(value, float):
            types[name] = "DOUBLE"
        else:
            types[name] = "VARCHAR"
    return types


def write_parquet(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], types: dict[str, str]
) -> bytes:
    """Return the rows as a Parquet file with the given column types."""
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "rows.csv", Path(folder) / "rows.parquet"
        # Parquet keeps each value exactly as it is: DuckDB reads this file, no person does.
        with source.open("w", encoding="utf-8", newline="") as f:
            raw = csv.writer(f, lineterminator="\n")
            raw.writerow(columns)
            raw.writerows([_cell(v) for v in row] for row in rows)
        spec = ", ".join(f"'{c}': '{types.get(c, 'VARCHAR')}'" for c in columns)
        with duckdb.connect() as db:
            db.execute(
                f"COPY (SELECT * FROM read_csv('{source}', header=true, columns={{{spec}}}, "
                f"quote='\"', escape='\"', delim=',', nullstr='')) "
                f"TO '{target}' (FORMAT parquet)"
            )
        return target.read_bytes()


def write_table(
    fmt: str, columns: Sequence[str], rows: list[Sequence[Any]], types: dict[str, str] | None = None
) -> bytes:
    if fmt == "parquet":
        return write_parquet(columns, rows, types or column_types(columns, rows))
    return write_csv(columns, rows)
