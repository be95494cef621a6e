"""A mark is judged by the meaning its code had on the mark's day.

New Zealand refreshed its codes from Term 1 2025 (26 became 15); England's 2024
regulations changed its codes from 19 August 2024. A retired code is refused on a later
day with the day it was retired and what replaced it; an older register imports whole,
with its codes' meanings of the time.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from stepwise.onboarding.organisations import school_setup
from stepwise.register.csvfile import ImportRejected
from stepwise.register.importers.register import import_register
from stepwise.register.importers.roster import import_roster
from stepwise.register.models import RegisterTerm
from stepwise.schools.services import terms_add_defaults
from tests.conftest import REGISTER_HEADER, ROSTER_HEADER, TODAY, csv_bytes


def school_with_history(code: str, pack: str, years: tuple[int, ...], student: str):
    school = school_setup(code=code, name=f"{code} Test School", pack=pack, today=TODAY)
    for year in years:
        terms_add_defaults(school=school, year=year)
    import_roster(
        csv_bytes(ROSTER_HEADER, f"{code},{student},Aroha,Test,2011-03-04,9,2023-01-01,"),
        file_name="roster.csv",
    )
    return school


def stored_code(school, student: str, day: str, session: str = "AM"):
    from datetime import date

    term = next(t for t in school.terms.all() if t.contains(date.fromisoformat(day)))
    row = RegisterTerm.objects.get(student__national_id=student, term=term)
    slot = term.dates.slot(date.fromisoformat(day), session)
    return next(c for c in school.rules.codes if c.index == row.marks[slot])


@pytest.fixture
def nz_history(db):
    return school_with_history("NZ-H", "nz", (2024, 2025), "200000001")


@pytest.fixture
def england_history(db):
    return school_with_history("ENG-H", "england", (2023, 2024), "H80000000001")


def test_an_nz_register_with_f_dated_2026_is_refused_naming_its_retirement(nz_history):
    with pytest.raises(ImportRejected) as refused:
        import_register(
            csv_bytes(REGISTER_HEADER, "NZ-H,200000001,2026-10-13,AM,F"), file_name="f.csv"
        )
    message = str(refused.value)
    assert "line 2, column code" in message
    assert "'F' was retired on 27 January 2025" in message
    assert "2026-10-13" in message
    assert RegisterTerm.objects.count() == 0


def test_an_nz_register_with_f_dated_2024_imports_with_its_old_meaning(nz_history):
    import_register(csv_bytes(REGISTER_HEADER, "NZ-H,200000001,2024-10-15,AM,F"), file_name="f.csv")
    mark = stored_code(nz_history, "200000001", "2024-10-15")
    assert (mark.code, mark.half_day) == ("F", "present")


def test_a_retired_nz_code_names_the_code_that_replaced_it(nz_history):
    with pytest.raises(ImportRejected) as refused:
        import_register(
            csv_bytes(REGISTER_HEADER, "NZ-H,200000001,2025-03-04,PM,H"), file_name="h.csv"
        )
    assert "'H' was retired on 27 January 2025; it was replaced by A" in str(refused.value)


@pytest.mark.parametrize(
    ("code", "category"), [("C", "justified"), ("Q", "justified")], ids=["court", "school_activity"]
)
def test_an_older_nz_register_with_c_and_q_imports(nz_history, code, category):
    import_register(
        csv_bytes(REGISTER_HEADER, f"NZ-H,200000001,2024-08-06,AM,{code}"), file_name="old.csv"
    )
    assert stored_code(nz_history, "200000001", "2024-08-06").category == category


def test_an_england_j_in_june_2024_counts_as_present_and_in_2026_as_authorised_absence(
    england_history,
):
    terms_add_defaults(school=england_history, year=2026)
    import_register(
        csv_bytes(
            REGISTER_HEADER,
            "ENG-H,H80000000001,2024-06-12,AM,J",
            "ENG-H,H80000000001,2026-11-04,AM,J",
        ),
        file_name="j.csv",
    )
    before = stored_code(england_history, "H80000000001", "2024-06-12")
    after = stored_code(england_history, "H80000000001", "2026-11-04")
    assert (before.half_day, before.category) == ("present", "present")
    assert (after.half_day, after.category) == ("absent", "justified")
    # And the figures: the June 2024 J is a present session, the 2026 one authorised absence.
    june = figures(england_history, "2023T3", "2024-06-12")
    november = figures(england_history, "2026T1", "2026-11-04")
    assert (june["possible"], june["present"], june["justified"]) == (1, 1, 0)
    assert (november["possible"], november["present"], november["justified"]) == (1, 0, 1)


def figures(school, term: str, as_of: str) -> dict:
    """Return the one student's standing in a term, as `stepwise standings` prints it."""
    out = StringIO()
    call_command("standings", "--school", school.code, "--term", term, "--format", "json",
                 "--as-of", as_of, stdout=out)  # fmt: skip
    (row,) = json.loads(out.getvalue())
    return row


@pytest.mark.parametrize("code", ["H", "Y"])
def test_england_codes_withdrawn_in_2024_are_refused_on_december_2026_marks(england_history, code):
    with pytest.raises(ImportRejected) as refused:
        import_register(
            csv_bytes(REGISTER_HEADER, f"ENG-H,H80000000001,2026-11-18,AM,{code}"),
            file_name="late.csv",
        )
    assert f"'{code}' was retired on 19 August 2024; it was replaced by" in str(refused.value)


def test_a_2024_code_before_the_2024_regulations_is_refused(england_history):
    with pytest.raises(ImportRejected) as refused:
        import_register(
            csv_bytes(REGISTER_HEADER, "ENG-H,H80000000001,2024-06-12,AM,J1"), file_name="j1.csv"
        )
    assert "'J1' was not in use before 19 August 2024" in str(refused.value)
