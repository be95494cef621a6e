"""One flat row per student's standing: the shape of the CSV and JSON outputs."""

from typing import Any

from stepwise.rules.pack import Pack

BASE_COLUMNS = [
    "student_id",
    "given_name",
    "family_name",
    "year_level",
    "possible",
    "present",
    "absent",
    "justified",
    "unjustified",
    "unmarked",
    "days_absent",
    "attendance_percent",
    "regular",
    "band",
    "tier",
]


def standing_columns(pack: Pack) -> list[str]:
    return [
        *BASE_COLUMNS,
        *(f"reached_{t.key}" for t in pack.thresholds),
        *(f"current_{t.key}" for t in pack.thresholds if t.window == "rolling"),
        *(f"flag_{r.key}" for r in pack.rates),
        "forecast_threshold",
        "forecast_date",
        "forecast_within_horizon",
    ]


def flat_standing(pack: Pack, row: dict[str, Any]) -> dict[str, Any]:
    student = row["student"]
    forecast = row["forecast"] or {}
    flat = {
        "student_id": student.national_id,
        "given_name": student.given_name,
        "family_name": student.family_name,
        "year_level": student.year_level,
        **{k: row[k] for k in BASE_COLUMNS[4:]},
        **{f"reached_{k}": v for k, v in row["thresholds"].items()},
        **{f"current_{k}": v for k, v in row["current"].items()},
        **{f"flag_{k}": v for k, v in row["flags"].items()},
        "forecast_threshold": forecast.get("threshold"),
        "forecast_date": forecast.get("date"),
        "forecast_within_horizon": forecast.get("soon"),
    }
    return flat
