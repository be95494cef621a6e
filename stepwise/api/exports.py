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


# Each export's column types, fixed whatever the rows hold (a term with no rows, or with
# every percentage missing, gives the same types as a full one). Ids are text.
ATTENDANCE_TYPES = {
    "school_id": "VARCHAR",
    "student_id": "VARCHAR",
    "date": "DATE",
    "session": "VARCHAR",
    "code": "VARCHAR",
    "half_day": "VARCHAR",
    "truancy_class": "VARCHAR",
}
RESPONSE_TYPES = {
    "school_id": "VARCHAR",
    "student_id": "VARCHAR",
    "threshold": "VARCHAR",
    "threshold_label": "VARCHAR",
    "threshold_reached_on": "DATE",
    "response_type": "VARCHAR",
    "response_type_label": "VARCHAR",
    "description": "VARCHAR",
    "happened_on": "DATE",
    "recorded_on": "DATE",
    "due_by": "DATE",
    "answered_in_time": "BOOLEAN",  # "yes" or "no" in CSV
}
STANDING_TYPES = {
    "student_id": "VARCHAR",
    "given_name": "VARCHAR",
    "family_name": "VARCHAR",
    "year_level": "INTEGER",
    "possible": "INTEGER",
    "present": "INTEGER",
    "absent": "INTEGER",
    "justified": "INTEGER",
    "unjustified": "INTEGER",
    "unmarked": "INTEGER",
    "days_absent": "DOUBLE",
    "attendance_percent": "DOUBLE",
    "regular": "BOOLEAN",
    "band": "VARCHAR",
    "tier": "VARCHAR",
    "forecast_threshold": "VARCHAR",
    "forecast_date": "DATE",
    "forecast_within_horizon": "BOOLEAN",
}
# A pack's own columns, by their prefix: the day a threshold was reached, whether a
# rolling threshold is met now, whether a rate flag is raised.
STANDING_PREFIX_TYPES = {"reached_": "DATE", "current_": "BOOLEAN", "flag_": "BOOLEAN"}


def standing_types(columns: Sequence[str]) -> dict[str, str]:
    """Return the type of each standings column, the pack's own included."""
    types = {}
    for name in columns:
        kind = STANDING_TYPES.get(name) or next(
            (t for p, t in STANDING_PREFIX_TYPES.items() if name.startswith(p)), None
        )
        if kind is None:
            raise ValueError(f"the standings column {name!r} has no type: add it here")
        types[name] = kind
    return types


def write_parquet(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], types: dict[str, str]
) -> bytes:
    """Return the rows as a Parquet file with the given column types (one for each)."""
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "rows.csv", Path(folder) / "rows.parquet"
        # Parquet keeps each value exactly as it is: DuckDB reads this file, no person does.
        with source.open("w", encoding="utf-8", newline="") as f:
            raw = csv.writer(f, lineterminator="\n")
            raw.writerow(columns)
            raw.writerows([_cell(v) for v in row] for row in rows)
        spec = ", ".join(f"'{c}': '{types[c]}'" for c in columns)
        with duckdb.connect() as db:
            db.execute(
                f"COPY (SELECT * FROM read_csv('{source}', header=true, columns={{{spec}}}, "
                f"quote='\"', escape='\"', delim=',', nullstr='')) "
                f"TO '{target}' (FORMAT parquet)"
            )
        return target.read_bytes()


def write_table(
    fmt: str, columns: Sequence[str], rows: list[Sequence[Any]], types: dict[str, str]
) -> bytes:
    if fmt == "parquet":
        return write_parquet(columns, rows, types)
    return write_csv(columns, rows)
