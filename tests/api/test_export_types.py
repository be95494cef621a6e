"""Every Parquet export has the same column types whatever the data: none, one row or many.

A consumer's pipeline reads a term's files one after another; a column that is a string
in one and a double in the next breaks it. Read back with DuckDB, as an analyst would.
"""

import duckdb
import pytest

from stepwise.api.services import token_create
from stepwise.onboarding.organisations import school_setup
from tests.conftest import TODAY

from .conftest import WEEK, Api, marks

PERIOD = {"from": "2026-10-12", "to": "2026-10-16", "format": "parquet"}
# What each export's columns are, read back: (column, DuckDB type), for the New Zealand pack.
STANDINGS = {
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
    "reached_amp5": "DATE",
    "reached_amp10": "DATE",
    "reached_amp15": "DATE",
    "forecast_threshold": "VARCHAR",
    "forecast_date": "DATE",
    "forecast_within_horizon": "BOOLEAN",
}
ATTENDANCE = {
    "school_id": "VARCHAR",
    "student_id": "VARCHAR",
    "date": "DATE",
    "session": "VARCHAR",
    "code": "VARCHAR",
    "half_day": "VARCHAR",
    "truancy_class": "VARCHAR",
}
RESPONSES = {
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
    "answered_in_time": "BOOLEAN",
}


def school_api(code: str) -> Api:
    from django.test import Client

    school = school_setup(code=code, name=f"School {code}", pack="nz", today=TODAY)
    _, secret = token_create(organisation=school.organisation, name="t", created_by=None)
    return Api(Client(), secret)


@pytest.fixture(params=["empty", "one row", "full"])
def school(request, db):
    """A school with no students, one student with one mark and response, or a week of two."""
    api = school_api("NZ-T")
    if request.param == "empty":
        return api, 0
    students = ["100000001"] if request.param == "one row" else ["100000001", "100000002"]
    roster = [
        {"student_id": s, "given_name": "A", "family_name": "B", "birth_date": "2011-01-01",
         "year_level": 10, "enrolled_from": "2026-01-28"}
        for s in students
    ]  # fmt: skip
    assert api.post("/api/v1/schools/NZ-T/roster", {"rows": roster}).status_code == 200
    days = WEEK[:1] if request.param == "one row" else WEEK
    rows = [m for s in students for m in marks(s, days, "T", ("AM",))]
    assert api.post("/api/v1/schools/NZ-T/marks", {"rows": rows}).status_code == 200
    response = {"student_id": "100000001", "response_type": "conversation",
                "happened_on": "2026-10-12", "done_by": "Dean"}  # fmt: skip
    assert api.post("/api/v1/schools/NZ-T/responses", response).status_code == 201
    return api, len(students)


def types(data: bytes, tmp_path) -> tuple[dict[str, str], int]:
    path = tmp_path / "export.parquet"
    path.write_bytes(data)
    with duckdb.connect() as db:
        described = db.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        count = db.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
    return {name: kind for name, kind, *_ in described}, count


@pytest.mark.parametrize(
    "url, params, expected",
    [
        ("terms/2026T4/standings/export", {"as_of": "2026-10-16", "format": "parquet"}, STANDINGS),
        ("ministry-export/attendance", PERIOD, ATTENDANCE),
        ("ministry-export/responses", PERIOD, RESPONSES),
    ],
)
def test_each_parquet_export_has_its_types_whatever_the_data(school, tmp_path, url, params,
                                                              expected):  # fmt: skip
    api, students = school
    response = api.get(f"/api/v1/schools/NZ-T/{url}", params)
    assert response.status_code == 200, response.content
    found, count = types(response.content, tmp_path)
    assert found == expected
    assert (count > 0) == (students > 0)


@pytest.mark.parametrize("pack", ["nz", "england", "kent"])
def test_every_packs_standings_columns_have_a_type(pack):
    from stepwise.api.exports import standing_types
    from stepwise.rules.pack import load_pack
    from stepwise.standings.table import standing_columns

    columns = standing_columns(load_pack(pack))
    assert list(standing_types(columns)) == columns
