"""Standings and the Ministry export out as CSV and Parquet: the same rows either way."""

import csv
import io
import zipfile
from datetime import date

import duckdb
import pytest

from stepwise.audit.models import AuditEvent
from stepwise.dashboard.export import write_ministry_export

from .conftest import WEEK, marks

SCHOOL = "/api/v1/schools/NZ-1"
PERIOD = {"from": "2026-10-12", "to": "2026-10-16"}


@pytest.fixture
def week(api):
    rows = marks("100000001", WEEK, "T") + marks("100000002", WEEK, "P")
    assert api.post(f"{SCHOOL}/marks", {"rows": rows}).status_code == 200
    return api


def parquet_rows(data: bytes, tmp_path) -> tuple[list[str], list[tuple]]:
    path = tmp_path / "file.parquet"
    path.write_bytes(data)
    with duckdb.connect() as db:
        result = db.execute(f"SELECT * FROM read_parquet('{path}')")
        columns = [d[0] for d in result.description]
        return columns, result.fetchall()


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(data.decode())))
    return header, rows


def test_standings_as_csv_and_parquet_hold_the_same_rows(week, tmp_path):
    url = f"{SCHOOL}/terms/2026T4/standings/export"
    as_csv = week.get(url, {"as_of": "2026-10-16"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="standings-NZ-1-2026T4.csv"' in as_csv["Content-Disposition"]
    header, rows = csv_rows(as_csv.content)
    as_parquet = week.get(url, {"as_of": "2026-10-16", "format": "parquet"})
    assert as_parquet.content[:4] == b"PAR1"
    columns, prows = parquet_rows(as_parquet.content, tmp_path)
    assert columns == header
    assert len(prows) == len(rows) == 3
    aroha = dict(zip(columns, prows[0], strict=True))
    assert aroha["student_id"] == "100000001"  # text, not a number
    assert aroha["days_absent"] == 5.0 and aroha["regular"] is False
    assert dict(zip(header, rows[0], strict=True))["days_absent"] == "5.0"
    assert AuditEvent.objects.filter(object_type="standings", action="export").count() == 2


def test_the_ministry_export_tables_match_the_zip_the_dashboard_gives(week, nz_roster, tmp_path):
    archive = io.BytesIO()
    write_ministry_export(
        archive,
        school=nz_roster,
        start=date(2026, 10, 12),
        end=date(2026, 10, 16),
        today=date(2026, 11, 20),
    )
    with zipfile.ZipFile(archive) as z:
        expected = z.read("attendance.csv")
    url = f"{SCHOOL}/ministry-export/attendance"
    as_csv = week.get(url, PERIOD)
    assert as_csv.status_code == 200, as_csv.content
    assert as_csv.content == expected
    header, rows = csv_rows(as_csv.content)
    columns, prows = parquet_rows(week.get(url, {**PERIOD, "format": "parquet"}).content, tmp_path)
    assert columns == header and len(prows) == len(rows) == 20
    first = dict(zip(columns, prows[0], strict=True))
    assert first["date"] == date(2026, 10, 12) and first["code"] == "T"
    responses = week.get(f"{SCHOOL}/ministry-export/responses", {**PERIOD, "format": "parquet"})
    assert parquet_rows(responses.content, tmp_path)[1] == []
    assert AuditEvent.objects.filter(object_type="ministry_export").count() == 3


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2026-10-12"}, "to"),
        ({"from": "12/10/2026", "to": "2026-10-16"}, "from"),
        ({"from": "2026-10-16", "to": "2026-10-12"}, "to"),
        ({**PERIOD, "format": "xlsx"}, "format"),
    ],
)  # each: the query, and the field the error names
def test_a_bad_period_or_format_names_the_field(week, params, field):
    response = week.get(f"{SCHOOL}/ministry-export/attendance", params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
