"""Charts a person reads at a glance: round gridlines, every label on the chart, and a
tier drawn in its tag's colour."""

import re

from stepwise.web.charts import Series, bar_chart, line_chart


def ticks(svg: str) -> list[str]:
    return re.findall(r'class="sw-chart__tick">([^<]*)</text>', svg)


def test_gridlines_fall_on_round_numbers():
    svg = line_chart("Tiers", ["1 Sep", "8 Sep"], [Series("Attending", [696, 640])])
    assert ticks(svg) == ["0", "200", "400", "600", "800"]
    assert ticks(bar_chart("Days", ["Mon", "Tue"], [3.2, 7.9], unit="%")) == [
        "0%", "2%", "4%", "6%", "8%",
    ]  # fmt: skip


def test_the_last_label_ends_at_the_chart_edge_instead_of_running_off_it():
    svg = line_chart("Terms", ["Autumn", "Spring", "Summer 2027"], [Series("Rate", [1, 2, 3])])
    assert re.search(r'text-anchor="end" class="sw-chart__label">Summer 2027<', svg)
    assert re.search(r'text-anchor="middle" class="sw-chart__label">Autumn<', svg)


def test_a_tier_is_drawn_in_its_tags_colour():
    svg = line_chart(
        "Tiers", ["a", "b"], [Series("Attending", [5, 6], "green"), Series("Severe", [1, 2], "red")]
    )
    assert 'stroke="#00703c"' in svg.split("<title>Severe")[0]  # Attending: green
    assert '<polyline points="' in svg and 'stroke="#d4351c" stroke-width="3"' in svg


def test_a_long_axis_labels_every_other_week_always_including_the_latest():
    weeks = [f"{d} Sep" for d in range(1, 15)]
    svg = line_chart("Weeks", weeks, [Series("Attending", list(range(14)))])
    shown = re.findall(r'class="sw-chart__label">(\d+ Sep)<', svg)
    assert shown == weeks[1::2] and shown[-1] == "14 Sep"
