"""The student page's patterns: absence by weekday this term, and the tier in each term."""

import re
from datetime import date

from stepwise.schools.models import Enrolment


def _table(html: str, caption: str) -> list[list[str]]:
    """Return the body rows of the table with this caption, as lists of cell texts."""
    table = re.search(
        rf"<caption[^>]*>\s*{re.escape(caption)}\s*</caption>(.*?)</table>", html, re.S
    )
    assert table is not None, caption
    body = table[1].split("<tbody", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_weekday_pattern_shows_which_days_are_missed(officer_client):
    # Ben missed the first 12 school days of the term: two Mondays, three Tuesdays and
    # Wednesdays, two Thursdays and Fridays (Labour Day, a Monday, was closed).
    html = officer_client.get("/schools/NZ-0427/students/100000002/?term=2026T4").content.decode()
    assert '<svg class="sw-chart"' in html
    assert '<title id="chart-absence-by-day-of-the-week--term-4-2026-t">' in html
    assert _table(html, "Absence by day of the week, Term 4 2026") == [
        ["Monday", "10", "4", "40%"],
        ["Tuesday", "12", "6", "50%"],
        ["Wednesday", "12", "6", "50%"],
        ["Thursday", "12", "4", "33.3%"],
        ["Friday", "12", "4", "33.3%"],
    ]


def test_a_term_without_marks_has_no_rate(officer_client):
    html = officer_client.get("/schools/NZ-0427/students/100000002/?term=2026T1").content.decode()
    assert _table(html, "Absence by day of the week, Term 1 2026")[0] == ["Monday", "0", "0", "–"]


def test_the_tier_history_covers_the_school_year(officer_client):
    html = officer_client.get("/schools/NZ-0427/students/100000001/?term=2026T4").content.decode()
    assert _table(html, "Aroha Ngata’s tier in each term of the 2026 school year") == [
        ["Term 1 2026", "0", "–", "Good"],
        ["Term 2 2026", "0", "–", "Good"],
        ["Term 3 2026", "0", "–", "Good"],
        ["Term 4 2026", "29", "0.0%", "Serious concern"],
    ]
    # Earlier terms link to themselves; the term on show does not.
    assert (
        'href="/schools/NZ-0427/students/100000001/?term=2026T3">Term 3 2026</a></th>' not in html
    )
    assert re.search(
        r'href="/schools/NZ-0427/students/100000001/\?term=2026T3">Term 3 2026</a>\s*</th>',
        html,
    )
    assert "Days absent per term, school year 2026" in html


def test_the_tier_history_says_when_a_student_was_not_enrolled(officer_client, students):
    Enrolment.objects.filter(student=students["Ben"]).update(enrolled_from=date(2026, 7, 20))
    html = officer_client.get("/schools/NZ-0427/students/100000002/?term=2026T4").content.decode()
    rows = _table(html, "Ben Cooper’s tier in each term of the 2026 school year")
    assert rows[0] == ["Term 1 2026", "Not enrolled at Kōwhai College"]
    assert rows[3] == ["Term 4 2026", "12", "58.6%", "Concerning"]
