"""A certificate's totals and key say what each figure counts, in the jurisdiction's words.

New Zealand counts D (approved external appointment) and I (internal appointment) as
justified but present: a total that holds them is not "justified absence".
"""

from datetime import date

import numpy as np

from stepwise.certificates.render import Heading, certificate_data
from stepwise.rules.calendar import Calendar, TermDates
from stepwise.rules.certificate import certificate_rows
from stepwise.rules.pack import load_pack

TERM = TermDates("2026T4", "Term 4 2026", 2026, date(2026, 10, 12), date(2026, 10, 16))
HEADING = Heading("Kōwhai College", "427", "Aroha Ngata", "100000001", date(2011, 3, 4),
                  "Term 4 2026", date(2026, 10, 19), "Officer", "Kōwhai College")  # fmt: skip


def data_for(pack_key: str, codes: list[str]) -> dict:
    """Return the certificate of one week whose sessions are marked with `codes` in turn."""
    pack = load_pack(pack_key)
    calendar = Calendar([TERM], set())
    byte = {c.code: c.index for c in pack.codes}
    marks = np.array([byte[codes[i % len(codes)]] for i in range(calendar.width)], np.uint8)
    rows = certificate_rows(pack, calendar, marks, first=TERM.start, last=TERM.end)
    return certificate_data(rows=rows, pack=pack, heading=HEADING)


def test_new_zealands_justified_total_says_it_includes_sessions_counted_as_present():
    # Ten half-days: D, M, T, P, D, M, T, P, D, M: 3 D (present), 3 M and 2 T (absent).
    data = data_for("nz", ["D", "M", "T", "P"])
    totals = dict(data["totals"])
    assert totals["Present"] == "5"
    assert totals["Justified, absent or counted as present"] == "6"
    assert totals["Unjustified absence"] == "2"
    assert "Justified absence" not in totals
    key = {row[0]: row[2] for row in data["key"]}
    assert key == {
        "P": "present",
        "D": "justified, counted as present",
        "M": "justified absence",
        "T": "unjustified absence",
    }


def test_englands_totals_say_authorised_and_never_justified():
    data = data_for("kent", ["I", "O", "/"])
    totals = dict(data["totals"])
    assert "Authorised absence" in totals and "Unauthorised absence" in totals
    assert "justified" not in repr(data).lower()
