"""The register's thresholds as the checklist reads them: the day each was reached, a date."""

from datetime import date

from stepwise.readiness.facts import _thresholds
from stepwise.rules import readiness
from stepwise.rules.pack import load_pack


def test_a_threshold_the_register_reached_reads_as_the_day_it_was_reached():
    # The standings engine gives a row's days as ISO text (its rows are plain values).
    row = {
        "thresholds": {"statutory_intervention": "2026-10-05"},
        "current": {"statutory_intervention": True},
    }
    found = _thresholds(load_pack("kent"), row)
    assert found["statutory_intervention"] == readiness.Threshold(date(2026, 10, 5), True)
