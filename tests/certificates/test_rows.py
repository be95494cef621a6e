"""The pure builder: a certificate's rows, key and totals from marks, a calendar and a pack."""

from datetime import date

import numpy as np
import pytest

from stepwise.rules.calendar import Calendar, TermDates
from stepwise.rules.certificate import certificate_rows, unresolved_codes, year_label
from stepwise.rules.engine import clear_outside, evaluate
from stepwise.rules.pack import load_pack

ENGLAND_TERMS = [
    TermDates("2025T1", "Autumn 2025", 2025, date(2025, 9, 3), date(2025, 12, 19)),
    TermDates("2025T2", "Spring 2025", 2025, date(2026, 1, 5), date(2026, 3, 27)),
    TermDates("2025T3", "Summer 2025", 2025, date(2026, 4, 13), date(2026, 7, 21)),
]
HALF_TERM = {date(2025, 10, 27 + i) for i in range(5)}


def calendar() -> Calendar:
    return Calendar(ENGLAND_TERMS, HALF_TERM | {date(2025, 12, 25)})


def random_marks(pack_key: str, cal: Calendar, seed: int) -> np.ndarray:
    """Return marks using every code of the pack, with some sessions left unmarked."""
    pack = load_pack(pack_key)
    rng = np.random.default_rng(seed)
    return rng.integers(0, len(pack.codes) + 1, size=cal.width, dtype=np.uint8)


def engine_totals(pack_key: str, cal: Calendar, marks: np.ndarray, last: date, enrolled):
    """Sum the engine's standings over the terms up to `last`."""
    pack = load_pack(pack_key)
    sums = dict.fromkeys(("possible", "present", "justified", "unjustified", "unmarked"), 0)
    for term in cal.terms:
        if term.start > last:
            continue
        s = evaluate(pack, cal, marks[None, :], term=term.key, as_of=last, enrolled=enrolled)
        for name in sums:
            sums[name] += int(getattr(s, name)[0])
    return sums


# Each case: (pack, last day printed, first day enrolled, seed).
AGREEMENT = [
    ("kent", date(2026, 7, 21), date(2025, 9, 3), 1),
    ("england", date(2026, 2, 11), date(2025, 10, 6), 2),
    ("nz", date(2026, 7, 21), date(2025, 9, 3), 3),
    ("nz", date(2025, 11, 20), date(2025, 9, 15), 4),
]


@pytest.mark.parametrize(("pack_key", "last", "joined", "seed"), AGREEMENT)
def test_the_totals_agree_with_the_engines_standings(pack_key, last, joined, seed):
    cal = calendar()
    marks = random_marks(pack_key, cal, seed)
    enrolled = np.array([cal.day_index(joined)]), np.array([len(cal.dates) - 1])
    rows = certificate_rows(
        load_pack(pack_key), cal, marks, first=date(2025, 9, 3), last=last, enrolled=(joined, None)
    )
    # Standings clear the marks of days off roll before the engine counts (as here).
    on_roll = marks[None, :].copy()
    clear_outside(on_roll, (np.array([0]), *enrolled))
    expected = engine_totals(pack_key, cal, on_roll[0], last, enrolled)
    t = rows.totals
    assert (t.possible, t.present, t.justified, t.unjustified, t.missing) == (
        expected["possible"],
        expected["present"],
        expected["justified"],
        expected["unjustified"],
        expected["unmarked"],
    )


def test_every_weekday_is_a_row_and_a_missing_mark_is_blank():
    pack = load_pack("england")
    cal = calendar()
    marks = np.zeros(cal.width, dtype=np.uint8)
    marks[0] = pack.code_index["/"]  # 3 September AM; the PM has no mark
    rows = certificate_rows(pack, cal, marks, first=date(2025, 9, 3), last=date(2025, 9, 9))
    assert [(d.day.day, d.am, d.pm) for d in rows.days] == [
        (3, "/", ""), (4, "", ""), (5, "", ""), (8, "", ""), (9, "", ""),
    ]  # fmt: skip
    assert rows.totals.missing == 9
    assert rows.totals.possible == 1


def test_the_key_lists_only_the_codes_used_with_their_meanings_in_the_packs_order():
    pack = load_pack("england")
    cal = calendar()
    marks = np.zeros(cal.width, dtype=np.uint8)
    marks[:6] = [pack.code_index[c] for c in ("O", "\\", "/", "\\", "O", "I")]
    rows = certificate_rows(pack, cal, marks, first=date(2025, 9, 3), last=date(2025, 9, 5))
    assert [(k.code, k.sessions) for k in rows.key] == [("/", 1), ("\\", 2), ("I", 1), ("O", 2)]
    assert rows.key[0].meaning == "Present (morning)"


def test_n_codes_are_listed_as_unresolved_in_england_and_kent():
    for key in ("england", "kent"):
        pack = load_pack(key)
        cal = calendar()
        marks = np.zeros(cal.width, dtype=np.uint8)
        marks[2:4] = pack.code_index["N"]  # 4 September, both sessions
        marks[5] = pack.code_index["O"]
        rows = certificate_rows(pack, cal, marks, first=date(2025, 9, 3), last=date(2025, 9, 5))
        assert [(u.day, u.session, u.code) for u in rows.unresolved] == [
            (date(2025, 9, 4), "AM", "N"),
            (date(2025, 9, 4), "PM", "N"),
        ]
        assert rows.totals.unresolved == 2
        assert rows.unresolved_codes == ("N",)


def test_new_zealands_reason_not_yet_known_is_unresolved_but_truancy_is_not():
    pack = load_pack("nz")
    assert unresolved_codes(pack) == {"?"}
    cal = calendar()
    marks = np.zeros(cal.width, dtype=np.uint8)
    marks[0:2] = [pack.code_index["?"], pack.code_index["T"]]
    rows = certificate_rows(pack, cal, marks, first=date(2025, 9, 3), last=date(2025, 9, 3))
    assert [u.code for u in rows.unresolved] == ["?"]


def test_closed_days_count_nothing_and_days_off_roll_are_not_missing():
    pack = load_pack("england")
    cal = calendar()
    marks = np.full(cal.width, pack.code_index["/"], dtype=np.uint8)
    rows = certificate_rows(
        pack, cal, marks, first=date(2025, 10, 20), last=date(2025, 11, 7),
        enrolled=(date(2025, 9, 3), date(2025, 11, 4)),
    )  # fmt: skip
    closed = [d.day for d in rows.days if not d.open]
    assert closed == sorted(HALF_TERM)
    # Three weeks less half term, less 5-7 November off roll (their marks count for nothing).
    assert rows.totals.possible == 2 * (15 - 5 - 3)

    marks[:] = 0
    rows = certificate_rows(
        pack, cal, marks, first=date(2025, 10, 20), last=date(2025, 11, 7),
        enrolled=(date(2025, 9, 3), date(2025, 11, 4)),
    )  # fmt: skip
    # On roll and open: 20-24 October and 3-4 November, 7 days.
    assert rows.totals.missing == 2 * 7
    assert [d.on_roll for d in rows.days][-3:] == [False, False, False]


def test_only_the_days_of_a_spell_of_enrolment_are_on_roll():
    # On roll 3 September to 21 October, and again from 3 November; no marks at all.
    pack = load_pack("england")
    cal = calendar()
    rows = certificate_rows(
        pack, cal, np.zeros(cal.width, dtype=np.uint8), first=date(2025, 10, 20),
        last=date(2025, 11, 7), enrolled=[(date(2025, 9, 3), date(2025, 10, 21)),
                                          (date(2025, 11, 3), None)],
    )  # fmt: skip
    on_roll = [d.day.isoformat() for d in rows.days if d.on_roll and d.open]
    assert on_roll == ["2025-10-20", "2025-10-21", *(f"2025-11-0{n}" for n in range(3, 8))]
    assert rows.totals.missing == 2 * 7


def test_a_stored_byte_the_pack_does_not_know_is_shown_not_counted():
    pack = load_pack("nz")
    cal = calendar()
    marks = np.zeros(cal.width, dtype=np.uint8)
    marks[0] = 250
    rows = certificate_rows(pack, cal, marks, first=date(2025, 9, 3), last=date(2025, 9, 3))
    assert rows.days[0].am == "??"
    assert rows.totals.possible == 0
    assert [(k.code, k.sessions) for k in rows.key] == [("??", 1)]


def test_school_years_are_labelled_as_each_country_writes_them():
    assert year_label(load_pack("kent"), 2025) == "2025/26"
    assert year_label(load_pack("nz"), 2026) == "2026"


def test_bad_marks_are_refused():
    cal = calendar()
    with pytest.raises(ValueError, match="shape"):
        certificate_rows(
            load_pack("nz"), cal, np.zeros(3, dtype=np.uint8),
            first=date(2025, 9, 3), last=date(2025, 9, 3),
        )  # fmt: skip
    with pytest.raises(ValueError, match="before its first"):
        certificate_rows(
            load_pack("nz"), cal, np.zeros(cal.width, dtype=np.uint8),
            first=date(2025, 9, 4), last=date(2025, 9, 3),
        )  # fmt: skip
